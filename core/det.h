#pragma once
// Batched determinants and inverses of square matrices (LU / Gauss-Jordan
// with partial pivoting, kernels/det.h). No gradients: autograd/det.h.
#include <utility>

#include "core/tensor.h"

namespace nabla::prim {

// For a [..., n, n] (f32 or f64, CPU or CUDA): {sign [...], logabsdet [...]}
// with det a = sign exp(logabsdet); a singular matrix (an exactly zero
// pivot) gives sign 0 and logabsdet -inf.
std::pair<Tensor, Tensor> slogdet(const Tensor& a);
// a^{-1} [..., n, n]; a singular matrix gives non-finite entries.
Tensor inv(const Tensor& a);

}  // namespace nabla::prim
