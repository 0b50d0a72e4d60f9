#include "models/nn/init.h"

#include <cmath>
#include <stdexcept>

#include "autograd/nabla.h"
#include "models/nn/layers.h"
#include "models/nn/module.h"
#include "models/nn/norm.h"

namespace nabla::nn {

double calculate_gain(Nonlinearity nonlinearity, double a) {
  switch (nonlinearity) {
    case Nonlinearity::linear:
    case Nonlinearity::conv:
    case Nonlinearity::sigmoid: return 1.0;
    case Nonlinearity::tanh: return 5.0 / 3.0;
    case Nonlinearity::relu: return std::sqrt(2.0);
    case Nonlinearity::leaky_relu: return std::sqrt(2.0 / (1.0 + a * a));
    case Nonlinearity::selu: return 0.75;
  }
  throw std::invalid_argument("calculate_gain: unknown nonlinearity");
}

std::pair<int64_t, int64_t> fan_in_and_fan_out(const Tensor& w) {
  if (w.dim() < 2)
    throw std::invalid_argument("fan_in_and_fan_out: needs a tensor of at least 2 dims, got " + describe(w));
  int64_t receptive = 1;
  for (int64_t d = 2; d < w.dim(); ++d) receptive *= w.size(d);
  return {w.size(1) * receptive, w.size(0) * receptive};
}

namespace {
void check_float(const Tensor& t, const char* op) {
  if (!t.defined() || !is_floating(t.dtype()))
    throw std::invalid_argument(std::string(op) + ": expected a floating tensor, got " +
                                (t.defined() ? describe(t) : std::string("undefined")));
}
double fan(const Tensor& t, FanMode mode) {
  auto [in, out] = fan_in_and_fan_out(t);
  return static_cast<double>(mode == FanMode::fan_in ? in : out);
}
}  // namespace

void normal_(const Tensor& t, double mean, double std, Generator* gen) {
  check_float(t, "normal_");
  NoGradGuard no_grad;
  copy_(t, normal(t.shape(), mean, std, Options::like(t), gen));
}

void uniform_(const Tensor& t, double low, double high, Generator* gen) {
  check_float(t, "uniform_");
  NoGradGuard no_grad;
  copy_(t, uniform(t.shape(), low, high, Options::like(t), gen));
}

void constant_(const Tensor& t, double value) {
  NoGradGuard no_grad;
  fill_(t, value);
}

void zeros_(const Tensor& t) { constant_(t, 0); }
void ones_(const Tensor& t) { constant_(t, 1); }

void xavier_uniform_(const Tensor& t, double gain, Generator* gen) {
  auto [in, out] = fan_in_and_fan_out(t);
  const double bound = gain * std::sqrt(6.0 / static_cast<double>(in + out));
  uniform_(t, -bound, bound, gen);
}

void xavier_normal_(const Tensor& t, double gain, Generator* gen) {
  auto [in, out] = fan_in_and_fan_out(t);
  normal_(t, 0, gain * std::sqrt(2.0 / static_cast<double>(in + out)), gen);
}

void kaiming_uniform_(const Tensor& t, double a, FanMode mode, Nonlinearity nonlinearity, Generator* gen) {
  const double std = calculate_gain(nonlinearity, a) / std::sqrt(fan(t, mode));
  const double bound = std::sqrt(3.0) * std;
  uniform_(t, -bound, bound, gen);
}

void kaiming_normal_(const Tensor& t, double a, FanMode mode, Nonlinearity nonlinearity, Generator* gen) {
  normal_(t, 0, calculate_gain(nonlinearity, a) / std::sqrt(fan(t, mode)), gen);
}

void default_layer_init_(const Tensor& weight, const Tensor& bias, Generator* gen) {
  kaiming_uniform_(weight, std::sqrt(5.0), FanMode::fan_in, Nonlinearity::leaky_relu, gen);
  if (bias.defined()) {
    const double bound = 1.0 / std::sqrt(fan(weight, FanMode::fan_in));
    uniform_(bias, -bound, bound, gen);
  }
}

void dcgan_init(Module& module, Generator* gen) {
  for (auto& [name, m] : module.named_modules()) {
    const bool affine = dynamic_cast<Linear*>(m) || dynamic_cast<Conv2d*>(m) || dynamic_cast<ConvTranspose2d*>(m);
    const bool bn = dynamic_cast<BatchNorm*>(m) != nullptr;
    if (!affine && !bn) continue;
    Tensor w = m->has_parameter("weight") ? m->get("weight") : m->find("weight_orig");
    if (w.defined()) normal_(w, bn ? 1.0 : 0.0, 0.02, gen);
    if (m->has_parameter("bias")) zeros_(m->get("bias"));
  }
}

}  // namespace nabla::nn
