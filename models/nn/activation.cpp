#include "models/nn/activation.h"

#include <stdexcept>

#include "autograd/nabla.h"

namespace nabla::nn {

Tensor ReLU::forward(const Tensor& x) { return relu(x); }
Tensor LeakyReLU::forward(const Tensor& x) { return leaky_relu(x, negative_slope); }
Tensor Tanh::forward(const Tensor& x) { return tanh(x); }
Tensor Sigmoid::forward(const Tensor& x) { return sigmoid(x); }
Tensor ELU::forward(const Tensor& x) { return elu(x, alpha); }
Tensor Softplus::forward(const Tensor& x) { return softplus(x, beta, threshold); }

Dropout::Dropout(double p_, Generator* gen) : p(p_), gen_(gen) {
  if (!(p >= 0 && p <= 1)) throw std::invalid_argument("Dropout: p must be in [0, 1], got " + std::to_string(p));
}

Tensor Dropout::forward(const Tensor& x) { return dropout(x, p, is_training(), gen_); }

}  // namespace nabla::nn
