#pragma once
// Batched singular values by one-sided Jacobi (kernels/svdvals.h). No
// gradients.
#include "core/tensor.h"

namespace nabla::prim {

// For a [..., m, k] (f32 or f64, CPU or CUDA): the singular values of each
// matrix, descending, [..., min(m, k)], of a's dtype (computed in double).
Tensor svdvals(const Tensor& a);

}  // namespace nabla::prim
