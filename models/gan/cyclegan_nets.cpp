#include "models/gan/cyclegan_nets.h"

#include <memory>

#include "autograd/nabla.h"

namespace nabla::gan {

using nn::ModulePtr;
using std::make_shared;

Tensor InstanceNorm2d::forward(const Tensor& x) {
  if (x.dim() != 4) throw std::invalid_argument("InstanceNorm2d: expected [N, C, H, W], got " + describe(x));
  return layer_norm(x, Shape{x.size(2), x.size(3)});
}

Residual::Residual(ModulePtr body) : body_(register_module("body", std::move(body))) {}

Tensor Residual::forward(const Tensor& x) { return x + (*body_)(x); }

namespace {

ModulePtr conv(int64_t in, int64_t out, int64_t k, int64_t stride, int64_t pad, Generator* gen) {
  nn::ConvOptions c;
  c.stride = {stride, stride};
  c.padding = {pad, pad};
  return make_shared<nn::Conv2d>(in, out, std::array<int64_t, 2>{k, k}, c, Options{}, gen);
}

ModulePtr up(int64_t in, int64_t out, Generator* gen) {
  nn::ConvOptions c;
  c.stride = {2, 2};
  c.padding = {1, 1};
  return make_shared<nn::ConvTranspose2d>(in, out, std::array<int64_t, 2>{4, 4}, c, Options{}, gen);
}

ModulePtr norm() { return make_shared<InstanceNorm2d>(); }
ModulePtr relu() { return make_shared<nn::ReLU>(); }

ModulePtr residual_block(int64_t channels, Generator* gen) {
  return make_shared<Residual>(make_shared<nn::Sequential>(std::vector<ModulePtr>{
      conv(channels, channels, 3, 1, 1, gen), norm(), relu(), conv(channels, channels, 3, 1, 1, gen), norm()}));
}

}  // namespace

ModulePtr cyclegan_generator(Generator* gen) {
  auto g = make_shared<nn::Sequential>(std::vector<ModulePtr>{
      conv(1, 16, 3, 1, 1, gen), norm(), relu(), conv(16, 32, 4, 2, 1, gen), norm(), relu(),
      residual_block(32, gen), residual_block(32, gen), up(32, 16, gen), norm(), relu(), conv(16, 1, 3, 1, 1, gen),
      make_shared<nn::Tanh>()});
  nn::dcgan_init(*g, gen);
  return g;
}

ModulePtr cyclegan_discriminator(Generator* gen) {
  auto d = make_shared<nn::Sequential>(std::vector<ModulePtr>{
      conv(1, 32, 4, 2, 1, gen), make_shared<nn::LeakyReLU>(0.2), conv(32, 64, 4, 2, 1, gen), norm(),
      make_shared<nn::LeakyReLU>(0.2), conv(64, 1, 3, 1, 1, gen)});
  nn::dcgan_init(*d, gen);
  return d;
}

}  // namespace nabla::gan
