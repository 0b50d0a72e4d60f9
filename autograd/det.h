#pragma once
// Differentiable batched determinants and inverses (shapes as in core/det.h).
// Their vjps are written with inv and matmul, so they differentiate again.
#include <utility>

#include "core/tensor.h"

namespace nabla {

// {sign, logabsdet} of a [..., n, n]: det a = sign exp(logabsdet). Only
// logabsdet carries a gradient: d logabsdet / d a = a^{-T} (Jacobi's
// formula), so a singular a has a non-finite gradient.
std::pair<Tensor, Tensor> slogdet(const Tensor& a);
// a^{-1}; vjp -a^{-T} g a^{-T}.
Tensor inv(const Tensor& a);

}  // namespace nabla
