#pragma once
// Differentiable softmax and log-softmax along one dim (fused, stable kernels).
#include <cstdint>

#include "core/tensor.h"

namespace nabla {

// exp(x) / sum exp(x) along dim; vjp y (g - sum(g y)).
Tensor softmax(const Tensor& x, int64_t dim);
// x - logsumexp(x) along dim; vjp g - exp(y) sum(g).
Tensor log_softmax(const Tensor& x, int64_t dim);

}  // namespace nabla
