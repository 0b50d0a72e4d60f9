#pragma once
// Determinants and inverses of square matrices [..., n, n] (f32 or f64) by an
// LU factorisation with partial pivoting. No gradients here (see
// autograd/det.h).
#include <utility>

#include "core/tensor.h"

namespace nabla::prim {

// {sign [...], log|det a| [...]}: sign in {-1, 0, 1}; a singular matrix
// gives sign 0 and -inf.
std::pair<Tensor, Tensor> slogdet(const Tensor& a);
// a^-1 [..., n, n]; throws std::invalid_argument for a singular matrix.
Tensor inverse(const Tensor& a);

}  // namespace nabla::prim
