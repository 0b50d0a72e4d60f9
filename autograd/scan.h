#pragma once
// Differentiable running sums.
#include <cstdint>

#include "core/tensor.h"

namespace nabla {

// Running sum along dim: out_j = sum_{i <= j} x_i (i >= j when reverse).
// The vjp of a cumsum is the cumsum of g the other way round.
Tensor cumsum(const Tensor& x, int64_t dim, bool reverse = false);

}  // namespace nabla
