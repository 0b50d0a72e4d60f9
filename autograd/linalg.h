#pragma once
// Differentiable matrix products (shapes as in core/linalg.h) and the linear
// layer built on them. Their vjps are matrix products too, so they can be
// differentiated again (gradient penalties need that).
#include "core/tensor.h"

namespace nabla {

Tensor matmul(const Tensor& a, const Tensor& b);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor outer(const Tensor& a, const Tensor& b);
// x @ weight^T + bias for x [..., in], weight [out, in], bias [out] (or an
// undefined Tensor for none); the result is [..., out].
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());

}  // namespace nabla
