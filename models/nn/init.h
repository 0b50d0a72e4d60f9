#pragma once
// Parameter initialisation, after torch.nn.init. Each writes its tensor in
// place under a NoGradGuard (so it works on parameters that require grad)
// and draws from gen, or the default generator when null.
#include <cstdint>
#include <utility>

#include "core/random.h"
#include "core/tensor.h"

namespace nabla::nn {

class Module;

enum class FanMode { fan_in, fan_out };
enum class Nonlinearity { linear, conv, sigmoid, tanh, relu, leaky_relu, selu };

// torch.nn.init.calculate_gain: 1 for linear/conv/sigmoid, 5/3 for tanh,
// sqrt(2) for relu, sqrt(2 / (1 + a^2)) for leaky_relu (slope a), 3/4 for selu.
double calculate_gain(Nonlinearity nonlinearity, double a = 0.01);
// {fan_in, fan_out} of a weight [out, in, *kernel]: in * k and out * k, k the
// product of the kernel dims (torch's convention, also for transposed convs).
std::pair<int64_t, int64_t> fan_in_and_fan_out(const Tensor& w);

void normal_(const Tensor& t, double mean = 0, double std = 1, Generator* gen = nullptr);
void uniform_(const Tensor& t, double low = 0, double high = 1, Generator* gen = nullptr);
void constant_(const Tensor& t, double value);
void zeros_(const Tensor& t);
void ones_(const Tensor& t);
// Glorot & Bengio (2010): U(-b, b), b = gain sqrt(6 / (fan_in + fan_out));
// normal: std = gain sqrt(2 / (fan_in + fan_out)).
void xavier_uniform_(const Tensor& t, double gain = 1, Generator* gen = nullptr);
void xavier_normal_(const Tensor& t, double gain = 1, Generator* gen = nullptr);
// He et al. (2015): std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a);
// uniform bound sqrt(3) std. Defaults are torch's.
void kaiming_uniform_(const Tensor& t, double a = 0, FanMode mode = FanMode::fan_in,
                      Nonlinearity nonlinearity = Nonlinearity::leaky_relu, Generator* gen = nullptr);
void kaiming_normal_(const Tensor& t, double a = 0, FanMode mode = FanMode::fan_in,
                     Nonlinearity nonlinearity = Nonlinearity::leaky_relu, Generator* gen = nullptr);

// torch's default for Linear and Conv layers: weight kaiming_uniform_(a = sqrt 5),
// that is U(-1/sqrt(fan_in), 1/sqrt(fan_in)); bias (when defined) U(-b, b) with
// b = 1/sqrt(fan_in) of the weight.
void default_layer_init_(const Tensor& weight, const Tensor& bias, Generator* gen = nullptr);

// DCGAN's initialisation (Radford et al. 2015), applied to every submodule:
// Linear/Conv2d/ConvTranspose2d weights (or weight_orig under spectral norm)
// N(0, 0.02) and their biases 0; BatchNorm weights N(1, 0.02) and biases 0.
void dcgan_init(Module& module, Generator* gen = nullptr);

}  // namespace nabla::nn
