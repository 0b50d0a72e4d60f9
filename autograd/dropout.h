#pragma once
// Dropout (Srivastava et al. 2014), inverted: kept elements are scaled by
// 1 / (1 - p) in training, so eval is the identity.
#include "core/random.h"
#include "core/tensor.h"

namespace nabla {

// Zeroes each element with probability p (mask drawn from gen, or the
// default generator) and scales the rest by 1 / (1 - p). Returns x itself
// when !training or p == 0; p == 1 gives zeros. The gradient is
// g * mask / (1 - p).
Tensor dropout(const Tensor& x, double p, bool training, Generator* gen = nullptr);

}  // namespace nabla
