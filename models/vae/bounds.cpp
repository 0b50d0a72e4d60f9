#include "models/vae/bounds.h"

#include <cmath>
#include <numbers>

#include "autograd/nabla.h"

namespace nabla::vae {

namespace {
const double kLog2Pi = std::log(2 * std::numbers::pi);
}

Tensor kl_standard_normal(const Tensor& mu, const Tensor& logvar) {
  return 0.5 * sum(square(mu) + exp(logvar) - 1.0 - logvar, {-1});
}

Tensor kl_diag_normal(const Tensor& mu1, const Tensor& logvar1, const Tensor& mu2, const Tensor& logvar2) {
  return 0.5 * sum(logvar2 - logvar1 + (exp(logvar1) + square(mu1 - mu2)) * exp(-logvar2) - 1.0, {-1});
}

Tensor log_normal_diag(const Tensor& x, const Tensor& mu, const Tensor& logvar) {
  return -0.5 * sum(square(x - mu) * exp(-logvar) + logvar + kLog2Pi, {-1});
}

Tensor log_standard_normal(const Tensor& x) { return -0.5 * sum(square(x) + kLog2Pi, {-1}); }

Tensor log_bernoulli(const Tensor& x, const Tensor& logits) {
  return -sum(binary_cross_entropy_with_logits(logits, x, Reduction::none), {-1});
}

Tensor reparameterise(const Tensor& mu, const Tensor& logvar, const Tensor& eps) {
  return mu + exp(0.5 * logvar) * eps;
}

Tensor iwae_bound(const Tensor& log_weights) {
  return logsumexp(log_weights, {0}) - std::log(static_cast<double>(log_weights.size(0)));
}

}  // namespace nabla::vae
