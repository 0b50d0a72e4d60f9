#pragma once
// y = x w^T + b, the product of linear layers. No gradients here (see
// nabla::linear in autograd/linalg.h).
#include "core/tensor.h"

namespace nabla::prim {

// x [..., in], weight [out, in] (any strides), bias [out] or undefined ->
// [..., out]. f32 on the CPU runs the packed SGEMM with the bias in its
// epilogue (kernels/linear_f32.h); other dtypes and devices run
// matmul(x, weight^T) and add the bias in place (the same values as before
// this op existed).
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias);

// True when linear(x, ...) runs the packed SGEMM (f32 on the CPU).
bool linear_uses_sgemm(const Tensor& x);

}  // namespace nabla::prim
