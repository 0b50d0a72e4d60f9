#include "core/factory.h"

#include <cmath>

#include "core/check.h"
#include "core/copy.h"

namespace nabla {

namespace {
Tensor finish(Tensor t, const Options& o) {
  if (o.requires_grad) t.requires_grad_();
  return t;
}
}  // namespace

Tensor empty(const Shape& shape, Options o) { return finish(make_tensor(shape, o.dtype, o.device), o); }

Tensor full(const Shape& shape, double value, Options o) {
  Tensor t = make_tensor(shape, o.dtype, o.device);
  prim::fill_(t, value);
  return finish(t, o);
}

Tensor zeros(const Shape& shape, Options o) { return full(shape, 0, o); }
Tensor ones(const Shape& shape, Options o) { return full(shape, 1, o); }
Tensor scalar(double value, Options o) { return full({}, value, o); }

Tensor arange(double start, double end, double step, Options o) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step))
    throw_invalid("arange", "expected finite start, end and a non-zero step");
  const double count = std::ceil((end - start) / step);
  const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
  std::vector<double> values(n);
  for (int64_t i = 0; i < n; ++i) values[i] = start + static_cast<double>(i) * step;
  Tensor t = prim::to(tensor(values), o.dtype);
  return finish(prim::to(t, o.device), o);
}

Tensor arange(int64_t end, Options o) { return arange(0.0, static_cast<double>(end), 1.0, o); }

template <class T>
Tensor tensor(const std::vector<T>& values, Shape shape, Options o) {
  if (shape.empty()) shape = {static_cast<int64_t>(values.size())};
  if (numel(shape, "tensor") != static_cast<int64_t>(values.size()))
    throw_invalid("tensor", std::to_string(values.size()) + " values do not fill shape " + str(shape));
  Tensor t = make_tensor(shape, dtype_of<T>(), Device::cpu());
  T* p = t.data<T>();
  for (size_t i = 0; i < values.size(); ++i) p[i] = values[i];
  return finish(prim::to(prim::to(t, o.dtype), o.device), o);
}

Tensor eye(int64_t n, Options o) {
  std::vector<double> v(static_cast<size_t>(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
  return tensor(v, {n, n}, o);
}

Tensor empty_like(const Tensor& x) { return empty(x.shape(), Options::like(x)); }
Tensor zeros_like(const Tensor& x) { return zeros(x.shape(), Options::like(x)); }
Tensor ones_like(const Tensor& x) { return ones(x.shape(), Options::like(x)); }
Tensor full_like(const Tensor& x, double value) { return full(x.shape(), value, Options::like(x)); }

template <class T>
std::vector<T> to_vector(const Tensor& x) {
  check_defined("to_vector", x);
  Tensor c = prim::contiguous(prim::to(prim::to(x, Device::cpu()), dtype_of<T>()));
  const T* p = c.data<T>();
  return std::vector<T>(p, p + c.numel());
}

#define NABLA_FACTORY(T)                                                \
  template Tensor tensor<T>(const std::vector<T>&, Shape, Options);      \
  template std::vector<T> to_vector<T>(const Tensor&);
NABLA_FACTORY(float)
NABLA_FACTORY(double)
NABLA_FACTORY(int64_t)
NABLA_FACTORY(uint8_t)
#undef NABLA_FACTORY
template Tensor tensor<bool>(const std::vector<bool>&, Shape, Options);
template std::vector<bool> to_vector<bool>(const Tensor&);

}  // namespace nabla
