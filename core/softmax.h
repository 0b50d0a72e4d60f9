#pragma once
// Softmax front-ends along one dim (f32, f64). No gradients here (see
// autograd/softmax.h).
#include <cstdint>

#include "core/tensor.h"

namespace nabla::prim {

// exp(x) / sum exp(x) along dim, computed shifted by the max (stable).
Tensor softmax(const Tensor& x, int64_t dim);
// x - logsumexp(x) along dim, fused and stable.
Tensor log_softmax(const Tensor& x, int64_t dim);

}  // namespace nabla::prim
