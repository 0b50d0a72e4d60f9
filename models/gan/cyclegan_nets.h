#pragma once
// CycleGAN's networks (Zhu et al. 2017, appendix 7.2) shrunk to 28x28
// one-channel images in [-1, 1]: a ResNet generator with one downsampling
// and two residual blocks, and a PatchGAN discriminator scoring each patch
// of a 7x7 map. Instance norm without affine parameters, as the paper's
// code; weights N(0, 0.02).
#include <string>

#include "core/random.h"
#include "models/nn/nn.h"

namespace nabla::gan {

// Instance normalisation (Ulyanov et al. 2016): each (image, channel) plane
// of [N, C, H, W] to zero mean and unit variance, no affine parameters.
class InstanceNorm2d : public nn::Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "InstanceNorm2d"; }
};

// x + body(x).
class Residual : public nn::Module {
 public:
  explicit Residual(nn::ModulePtr body);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "Residual"; }

 private:
  nn::ModulePtr body_;
};

// [N, 1, 28, 28] -> [N, 1, 28, 28]: Conv(1,16,3,p1)-IN-ReLU,
// Conv(16,32,4,s2,p1)-IN-ReLU (14x14), 2 x residual [Conv(32,32,3,p1)-IN-
// ReLU-Conv(32,32,3,p1)-IN], ConvT(32,16,4,s2,p1)-IN-ReLU (28x28),
// Conv(16,1,3,p1)-tanh.
nn::ModulePtr cyclegan_generator(Generator* gen = nullptr);
// [N, 1, 28, 28] -> [N, 1, 7, 7] patch scores: Conv(1,32,4,s2,p1)-LeakyReLU
// 0.2, Conv(32,64,4,s2,p1)-IN-LeakyReLU 0.2, Conv(64,1,3,p1).
nn::ModulePtr cyclegan_discriminator(Generator* gen = nullptr);

}  // namespace nabla::gan
