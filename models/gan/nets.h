#pragma once
// The two first GANs' networks, for 28x28 one-channel images in [-1, 1].
// Generators map z [N, z_dim] to images [N, 1, 28, 28]; discriminators map
// images to one logit per image, [N, 1].
#include <cstdint>

#include "core/random.h"
#include "models/nn/nn.h"

namespace nabla::gan {

// nn::Linear(in, out) with PyTorch's default initialisation, drawn from gen.
nn::ModulePtr linear_layer(int64_t in, int64_t out, Generator* gen);

inline constexpr int64_t kMlpZDim = 64;
inline constexpr int64_t kDcganZDim = 100;

// MLP GAN: G z64 -> 256 -> 256 -> 784 (ReLU, tanh); D 784 -> 256 -> 256 -> 1
// (LeakyReLU 0.2). PyTorch's default layer initialisation.
nn::ModulePtr mlp_generator(int64_t z_dim = kMlpZDim, Generator* gen = nullptr);
nn::ModulePtr mlp_discriminator(Generator* gen = nullptr);

// DCGAN-28 (Radford et al. 2015, shrunk to 28x28): G z100 -> Linear 6272 ->
// BN -> ReLU -> 128x7x7 -> ConvT(128, 64, 4, 2, 1) -> BN -> ReLU ->
// ConvT(64, 1, 4, 2, 1) -> tanh; D Conv(1, 64, 4, 2, 1) -> LeakyReLU 0.2 ->
// Conv(64, 128, 4, 2, 1) -> BN -> LeakyReLU 0.2 -> Linear(6272, 1).
// DCGAN's N(0, 0.02) initialisation.
nn::ModulePtr dcgan28_generator(int64_t z_dim = kDcganZDim, Generator* gen = nullptr);
nn::ModulePtr dcgan28_discriminator(Generator* gen = nullptr);
// DCGAN-28's D without batch norm: the WGAN-GP critic (Gulrajani et al.
// 2017, sec. 4: batch norm breaks the per-sample gradient penalty).
nn::ModulePtr dcgan28_critic(Generator* gen = nullptr);
// DCGAN-28's D without batch norm, every Conv2d and Linear wrapped in
// nn::SpectralNorm (one power iteration per step, Miyato et al. 2018).
nn::ModulePtr sn_dcgan28_discriminator(Generator* gen = nullptr);

// 2-D nets of the mode-collapse experiments (Metz et al. 2017, "Unrolled
// GANs", appendix A): G z256 -> 128 -> 128 -> 2 (ReLU, linear output);
// D 2 -> 128 -> 128 -> 1 (ReLU). PyTorch's default layer initialisation.
inline constexpr int64_t kToyZDim = 256;
nn::ModulePtr toy_generator(int64_t z_dim = kToyZDim, Generator* gen = nullptr);
nn::ModulePtr toy_discriminator(Generator* gen = nullptr);
// The same D with every Linear wrapped in nn::SpectralNorm.
nn::ModulePtr sn_toy_discriminator(Generator* gen = nullptr);

}  // namespace nabla::gan
