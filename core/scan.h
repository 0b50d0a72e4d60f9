#pragma once
// Scan front-ends: running sums along one dim. No gradients here (see
// autograd/scan.h).
#include <cstdint>

#include "core/tensor.h"

namespace nabla::prim {

// out[..., j, ...] = sum over i <= j along dim (i >= j when reverse); f32, f64, i64.
Tensor cumsum(const Tensor& x, int64_t dim, bool reverse = false);

}  // namespace nabla::prim
