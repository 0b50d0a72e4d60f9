#include "models/gan/lens.h"

#include <cmath>
#include <numbers>

#include "autograd/nabla.h"
#include "models/nn/init.h"

namespace nabla::gan {

using nn::ModulePtr;
using std::make_shared;

Lens::Lens(ModulePtr body) : body_(register_module("body", std::move(body))) {}

Tensor Lens::forward(const Tensor& x) { return x + (*body_)(x); }

namespace {

// The body's last layer starts at zero: the lens starts as the identity.
ModulePtr zeroed(ModulePtr m) {
  for (const Tensor& p : m->parameters()) nn::zeros_(p);
  return m;
}

}  // namespace

ModulePtr toy_lens(Generator* gen) {
  auto layer = [&](int64_t in, int64_t out) { return make_shared<nn::Linear>(in, out, true, Options{}, gen); };
  return make_shared<Lens>(make_shared<nn::Sequential>(std::vector<ModulePtr>{
      layer(2, 64), make_shared<nn::ReLU>(), layer(64, 64), make_shared<nn::ReLU>(), zeroed(layer(64, 2))}));
}

ModulePtr image_lens(Generator* gen) {
  nn::ConvOptions same;
  same.padding = {1, 1};
  auto conv = [&](int64_t in, int64_t out) {
    return make_shared<nn::Conv2d>(in, out, std::array<int64_t, 2>{3, 3}, same, Options{}, gen);
  };
  return make_shared<Lens>(make_shared<nn::Sequential>(std::vector<ModulePtr>{
      conv(1, 16), make_shared<nn::ReLU>(), conv(16, 16), make_shared<nn::ReLU>(), zeroed(conv(16, 1))}));
}

double lens_lambda(int64_t t, int64_t k) {
  if (k <= 0 || t >= k) return 0;
  return 1 - std::sin(static_cast<double>(t) * std::numbers::pi / (2.0 * static_cast<double>(k)));
}

}  // namespace nabla::gan
