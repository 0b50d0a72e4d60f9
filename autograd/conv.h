#pragma once
// Differentiable 2-D convolutions (NCHW). Conv2dParams (core/conv.h) takes
// designated initializers: conv2d(x, w, b, {.stride = {2, 2}, .padding = {1, 1}}).
//
// The three ops below are the faces of one bilinear form
//   <g, conv2d(x, w)> = <conv_transpose2d(g, w), x> = <conv2d_weight(x, g), w>,
// so each one's vjp is written with the other two, and derivatives of any
// order stay inside this family (WGAN-GP and R1 differentiate through them).
#include <utility>

#include "core/conv.h"
#include "core/tensor.h"

namespace nabla {

// x [N, C_in, H, W], w [C_out, C_in/groups, kH, kW], bias [C_out] or undefined.
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const Conv2dParams& p = {});
// x [N, C_in, H, W], w [C_in, C_out/groups, kH, kW], bias [C_out] or undefined
// (PyTorch's ConvTranspose2d, output_padding included).
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const Conv2dParams& p = {});
// conv2d's vjp in x and w for the output gradient g (each computed only when
// asked, else undefined); differentiable. The fused conv2d_act shares it.
std::pair<Tensor, Tensor> conv2d_backward(const Tensor& g, const Tensor& x, const Tensor& w, const Conv2dParams& p,
                                          bool need_x, bool need_w);
// conv_transpose2d's vjp in x and w for the output gradient g (each computed
// only when asked, else undefined); differentiable. The fused
// conv_transpose2d_act (autograd/fused_act.h) shares it.
std::pair<Tensor, Tensor> conv_transpose2d_backward(const Tensor& g, const Tensor& x, const Tensor& w,
                                                    const Conv2dParams& p, bool need_x, bool need_w);
// d<grad_out, conv2d(x, w)>/dw for w of weight_shape: conv2d's weight gradient,
// differentiable in x and grad_out.
Tensor conv2d_weight(const Tensor& x, const Tensor& grad_out, const Shape& weight_shape,
                     const Conv2dParams& p = {});

}  // namespace nabla
