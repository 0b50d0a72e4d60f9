#pragma once
// Batch norm's backward with batch statistics as one op (CPU): the gradients
// of batch_norm's x, weight and bias in two passes over the data instead of
// the composite's dozen elementwise ops and reductions (autograd/norm.cpp,
// which calls this when no graph of the backward is built). Same bits as the
// composite (kernels/bn_backward.h). No gradients of its own.
#include "core/tensor.h"

namespace nabla::prim {

// Whether batch_norm_grad applies to x: a CPU f32/f64 tensor [N, C] or
// [N, C, *] whose channel sums reduce does not split into chunks (fewer than
// 8 channels over 64 K elements or more each); otherwise use the composite.
bool batch_norm_grad_applies(const Tensor& x);

struct BatchNormGrads {
  Tensor grad_input, grad_weight, grad_bias;  // undefined unless wanted
};

// From the output gradient g, the input x, the weight ([C] or undefined) and
// the batch statistics mean, rstd ([C], as prim::batch_norm returns them).
BatchNormGrads batch_norm_grad(const Tensor& g, const Tensor& x, const Tensor& weight, const Tensor& mean,
                               const Tensor& rstd, bool want_input, bool want_weight, bool want_bias);

}  // namespace nabla::prim
