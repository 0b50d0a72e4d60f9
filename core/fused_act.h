#pragma once
// Fused front-ends of issue 8: conv_transpose2d + bias + activation, and
// batch norm + activation, with the one-pass backward of the activation
// (no gradients here; see autograd/fused_act.h). The forward runs the
// unfused op's kernel and then the activation in place on its output (one
// pass, no second tensor; on the CPU, conv2d's f32 implicit-GEMM path and
// batch norm in training apply it inside their output pass); the values are
// the unfused composite's bits.
#include "core/conv.h"
#include "core/norm.h"
#include "core/tensor.h"
#include "kernels/fused_act.h"

namespace nabla {

// Act::identity, relu, leaky_relu (slope > 0), tanh, sigmoid.
using kernels::Act;
using kernels::Activation;

namespace prim {

// act(conv_transpose2d(x, w, bias, p)); shapes as prim::conv_transpose2d.
Tensor conv_transpose2d_act(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p,
                            Activation a);

// act(conv2d(x, w, bias, p)); shapes as prim::conv2d.
Tensor conv2d_act(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p, Activation a);

// act(batch_norm(...)); NormResult's mean and rstd as prim::batch_norm's.
NormResult batch_norm_act(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                          const Tensor& running_var, bool training, double momentum, double eps, Activation a);

// y = act(y) in place (y contiguous, f32 or f64).
void activate_(const Tensor& y, Activation a);

struct ActGrads {
  Tensor grad_pre;   // g * act'(y), y's shape
  Tensor grad_bias;  // [C]: grad_pre summed over every dim but 1; undefined unless asked
};

// From the output y = act(z) of shape [N, C, *] and its gradient g: the
// gradient of z, and (want_bias) its per-channel sum, in one pass.
ActGrads activation_backward(const Tensor& g, const Tensor& y, Activation a, bool want_bias);

}  // namespace prim
}  // namespace nabla
