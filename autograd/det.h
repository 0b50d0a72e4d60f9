#pragma once
// Differentiable log-determinants and inverses of square matrices
// [..., n, n] (shapes and conventions as in core/det.h). Their vjps are
// built from inverse and matmul, so they can be differentiated again.
#include <utility>

#include "core/tensor.h"

namespace nabla {

// log|det a| [...]: d/da = a^-T (Jacobi's formula), so the vjp is
// grad[..., None, None] * a^-T. -inf for a singular matrix.
Tensor logabsdet(const Tensor& a);
// {sign [...] (not differentiable: piecewise constant), logabsdet(a)}.
std::pair<Tensor, Tensor> slogdet(const Tensor& a);
// a^-1: for Y = a^-1 with dY = G, da = -Y^T G Y^T. Throws for a singular matrix.
Tensor inverse(const Tensor& a);

}  // namespace nabla
