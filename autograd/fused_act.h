#pragma once
// Differentiable fused ops of issue 8: conv_transpose2d + bias + activation
// and batch norm + activation. Same values as the unfused composites
//   activate(conv_transpose2d(x, w, bias, p), a)
//   activate(batch_norm(x, ...), a)
// (bitwise on the CPU). The backward takes the pre-activation gradient from
// the saved output in one pass (with the bias gradient's per-channel sum),
// then the conv_transpose2d / batch norm vjp. Under create_graph the
// pre-activation gradient is composed of differentiable ops instead, so
// derivatives of any order work (WGAN-GP differentiates through the critic).
#include "core/conv.h"
#include "core/fused_act.h"
#include "core/tensor.h"

namespace nabla {

// The activation alone, as the unfused differentiable op (relu, leaky_relu,
// tanh, sigmoid; identity returns x).
Tensor activate(const Tensor& x, Activation a);

// x [N, C_in, H, W], w [C_in, C_out/groups, kH, kW], bias [C_out] or undefined.
Tensor conv_transpose2d_act(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p,
                            Activation a);

// Arguments as batch_norm (autograd/norm.h), then the activation.
Tensor conv2d_act(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p, Activation a);

Tensor batch_norm_act(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                      const Tensor& running_var, bool training, double momentum, double eps, Activation a);

}  // namespace nabla
