#include "models/gan/nets.h"

#include <memory>

#include "models/nn/fused.h"

namespace nabla::gan {

using nn::ModulePtr;
using std::make_shared;

namespace {

// Kernel 4, stride 2, padding 1: halves (Conv2d) or doubles (ConvTranspose2d) H and W.
nn::ConvOptions halving() {
  nn::ConvOptions c;
  c.stride = {2, 2};
  c.padding = {1, 1};
  return c;
}

}  // namespace

ModulePtr linear_layer(int64_t in, int64_t out, Generator* gen) {
  return make_shared<nn::Linear>(in, out, true, Options{}, gen);
}

ModulePtr mlp_generator(int64_t z_dim, Generator* gen) {
  return make_shared<nn::Sequential>(std::vector<ModulePtr>{
      linear_layer(z_dim, 256, gen), make_shared<nn::ReLU>(), linear_layer(256, 256, gen), make_shared<nn::ReLU>(),
      linear_layer(256, 784, gen), make_shared<nn::Tanh>(), make_shared<nn::Reshape>(Shape{1, 28, 28})});
}

ModulePtr mlp_discriminator(Generator* gen) {
  return make_shared<nn::Sequential>(std::vector<ModulePtr>{
      make_shared<nn::Flatten>(), linear_layer(784, 256, gen), make_shared<nn::LeakyReLU>(0.2),
      linear_layer(256, 256, gen), make_shared<nn::LeakyReLU>(0.2), linear_layer(256, 1, gen)});
}

ModulePtr dcgan28_generator(int64_t z_dim, Generator* gen) {
  // Batch norm + ReLU and the last conv_transpose + bias + Tanh run as fused
  // ops. The layers draw their initial weights from gen in this order.
  const Activation relu{Act::relu};
  const ModulePtr fc = linear_layer(z_dim, 128 * 7 * 7, gen);
  const auto [bn1, relu1] = nn::fuse_activation(make_shared<nn::BatchNorm1d>(128 * 7 * 7), relu, "ReLU");
  const ModulePtr up =
      make_shared<nn::ConvTranspose2d>(128, 64, std::array<int64_t, 2>{4, 4}, halving(), Options{}, gen);
  const auto [bn2, relu2] = nn::fuse_activation(make_shared<nn::BatchNorm2d>(64), relu, "ReLU");
  const auto [out, tanh] = nn::fuse_activation(
      make_shared<nn::ConvTranspose2d>(64, 1, std::array<int64_t, 2>{4, 4}, halving(), Options{}, gen),
      Activation{Act::tanh}, "Tanh");
  auto g = make_shared<nn::Sequential>(std::vector<ModulePtr>{
      fc, bn1, relu1, make_shared<nn::Reshape>(Shape{128, 7, 7}), up, bn2, relu2, out, tanh});
  nn::dcgan_init(*g, gen);
  return g;
}

namespace {

enum class DNorm { batch, none, spectral };

// DCGAN-28's D with batch norm after the second conv, none, or spectral norm
// on every layer (then the power iteration's u, v are drawn after the weights).
ModulePtr dcgan28_d(DNorm norm, Generator* gen) {
  auto wrap = [&](ModulePtr m) -> ModulePtr {
    return norm == DNorm::spectral ? make_shared<nn::SpectralNorm>(m, "weight", 1, 1e-12, -1, gen) : m;
  };
  const Activation leaky{Act::leaky_relu, 0.2};
  auto conv1 = make_shared<nn::Conv2d>(1, 64, std::array<int64_t, 2>{4, 4}, halving(), Options{}, gen);
  std::vector<ModulePtr> layers;
  if (norm == DNorm::spectral) {  // SpectralNorm wraps the conv alone
    layers.push_back(conv1);
    layers.push_back(make_shared<nn::LeakyReLU>(0.2));
  } else {  // conv + LeakyReLU as one fused op
    const auto [conv, act] = nn::fuse_activation(conv1, leaky, "LeakyReLU");
    layers.push_back(conv);
    layers.push_back(act);
  }
  layers.push_back(make_shared<nn::Conv2d>(64, 128, std::array<int64_t, 2>{4, 4}, halving(), Options{}, gen));
  if (norm == DNorm::batch) {  // batch norm + LeakyReLU as one fused op
    const auto [bn, act] =
        nn::fuse_activation(make_shared<nn::BatchNorm2d>(128), leaky, "LeakyReLU");
    layers.push_back(bn);
    layers.push_back(act);
  } else {
    layers.push_back(make_shared<nn::LeakyReLU>(0.2));
  }
  layers.push_back(make_shared<nn::Flatten>());
  layers.push_back(linear_layer(128 * 7 * 7, 1, gen));
  auto d = make_shared<nn::Sequential>(layers);
  nn::dcgan_init(*d, gen);
  if (norm != DNorm::spectral) return d;
  std::vector<ModulePtr> wrapped;
  for (const auto& [name, m] : d->children()) {
    const bool affine = dynamic_cast<nn::Linear*>(m.get()) || dynamic_cast<nn::Conv2d*>(m.get());
    wrapped.push_back(affine ? wrap(m) : m);
  }
  return make_shared<nn::Sequential>(wrapped);
}

ModulePtr toy_d(bool spectral, Generator* gen) {
  auto wrap = [&](ModulePtr m) -> ModulePtr {
    return spectral ? make_shared<nn::SpectralNorm>(m, "weight", 1, 1e-12, -1, gen) : m;
  };
  return make_shared<nn::Sequential>(std::vector<ModulePtr>{
      wrap(linear_layer(2, 128, gen)), make_shared<nn::ReLU>(), wrap(linear_layer(128, 128, gen)),
      make_shared<nn::ReLU>(), wrap(linear_layer(128, 1, gen))});
}

}  // namespace

ModulePtr dcgan28_discriminator(Generator* gen) { return dcgan28_d(DNorm::batch, gen); }
ModulePtr dcgan28_critic(Generator* gen) { return dcgan28_d(DNorm::none, gen); }
ModulePtr sn_dcgan28_discriminator(Generator* gen) { return dcgan28_d(DNorm::spectral, gen); }

ModulePtr toy_generator(int64_t z_dim, Generator* gen) {
  return make_shared<nn::Sequential>(std::vector<ModulePtr>{linear_layer(z_dim, 128, gen), make_shared<nn::ReLU>(),
                                                            linear_layer(128, 128, gen), make_shared<nn::ReLU>(),
                                                            linear_layer(128, 2, gen)});
}

ModulePtr toy_discriminator(Generator* gen) { return toy_d(false, gen); }
ModulePtr sn_toy_discriminator(Generator* gen) { return toy_d(true, gen); }

}  // namespace nabla::gan
