#pragma once
// 2-D convolution front-ends (NCHW): shape checks, output allocation, dispatch
// to kernels/conv.h. No gradients here (see autograd/conv.h).
#include <array>
#include <cstdint>

#include "core/tensor.h"
#include "kernels/fused_act.h"

namespace nabla {

// Convolution geometry, PyTorch's meaning for every field. Designated
// initializers read well: conv2d(x, w, b, {.stride = {2, 2}, .padding = {1, 1}}).
struct Conv2dParams {
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 2> padding{0, 0};
  std::array<int64_t, 2> dilation{1, 1};
  int64_t groups = 1;
  // conv_transpose2d only: extra rows/columns on the bottom/right of the
  // output, to pick one of the input sizes a strided conv maps to one size.
  std::array<int64_t, 2> output_padding{0, 0};
};

namespace prim {

// x [N, C_in, H, W], w [C_out, C_in/groups, kH, kW], bias [C_out] or undefined
// -> [N, C_out, Ho, Wo], Ho = (H + 2 ph - dh (kH - 1) - 1) / sh + 1.
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p = {});
// The same with act (kernels/fused_act.h) applied to the output, on the CPU
// in the conv's epilogue (prim::conv2d_act's CPU path; CUDA: identity only).
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p, kernels::Activation act);

// The adjoint of conv2d in its input (PyTorch's ConvTranspose2d):
// x [N, C_in, H, W], w [C_in, C_out/groups, kH, kW], bias [C_out] or undefined
// -> [N, C_out, Ho, Wo], Ho = (H - 1) sh - 2 ph + dh (kH - 1) + oph + 1.
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p = {});

// The gradient of <grad_out, conv2d(x, w)> in w, for a weight of
// `weight_shape` [C_out, C_in/groups, kH, kW]; grad_out has conv2d's output shape.
Tensor conv2d_weight(const Tensor& x, const Tensor& grad_out, const Shape& weight_shape,
                     const Conv2dParams& p = {});

// conv2d's output size along one dim (may be <= 0 for inputs too small).
int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation);
// conv_transpose2d's output size along one dim.
int64_t conv_transpose_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding,
                                   int64_t dilation, int64_t output_padding);

}  // namespace prim
}  // namespace nabla
