#include "models/nn/container.h"

#include <stdexcept>

#include "autograd/nabla.h"

namespace nabla::nn {

Sequential::Sequential(const std::vector<ModulePtr>& modules) {
  for (const auto& m : modules) push_back(m);
}

void Sequential::push_back(ModulePtr m) { register_module(std::to_string(children().size()), std::move(m)); }

const ModulePtr& Sequential::operator[](size_t i) const {
  if (i >= size())
    throw std::out_of_range("Sequential: index " + std::to_string(i) + " out of range for " +
                            std::to_string(size()) + " modules");
  return children()[i].second;
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor y = x;
  for (const auto& [name, m] : children()) y = m->forward(y);
  return y;
}

Tensor Flatten::forward(const Tensor& x) { return flatten(x, start_dim, end_dim); }

Tensor Reshape::forward(const Tensor& x) {
  if (x.dim() < 1) throw std::invalid_argument("Reshape: expected a batch dim, got " + describe(x));
  Shape s{x.size(0)};
  s.insert(s.end(), shape.begin(), shape.end());
  return reshape(x, s);
}

}  // namespace nabla::nn
