#pragma once
// 2-D convolution kernels (NCHW) by im2col + GEMM (f64) or implicit GEMM (f32).
//
// Notation: x [N, C_in, H, W], w [C_out, C_in/groups, kH, kW],
// y [N, C_out, Ho, Wo] with
//   y[n, o, i, j] = sum_{c, a, b} w[o, c, a, b] x[n, g C_in/groups + c, i sh - ph + a dh, j sw - pw + b dw]
// (g = o / (C_out/groups); x is zero outside [0, H) x [0, W)).
//
// The three kernels are the three faces of that one bilinear map:
//   conv2d_forward         y  = conv(x, w)                 (+ bias)
//   conv2d_backward_input  gx = d<g, conv(x, w)>/dx       (+ bias): conv_transpose2d's forward
//   conv2d_backward_weight gw = d<g, conv(x, w)>/dw
// Output sizes come from the views: each kernel takes the geometry from its
// operands and never checks it (the front-end in core/conv.cpp does).
// All outputs are contiguous and overwritten. Inputs marked "any strides" are
// read through their strides; the others must be contiguous.
#include <cstdint>

#include "kernels/view.h"

namespace nabla::kernels {

struct Conv2dArgs {
  int64_t stride[2] = {1, 1};
  int64_t padding[2] = {0, 0};
  int64_t dilation[2] = {1, 1};
  int64_t groups = 1;
};

namespace cpu {

// out [N, C_out, Ho, Wo]; x any strides; w contiguous; bias [C_out] any
// strides, or data == nullptr for none.
template <class T>
void conv2d_forward(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a);

// gx [N, C_in, H, W]; g [N, C_out, Ho, Wo] contiguous; w contiguous; bias
// [C_in] (added per channel of gx) or data == nullptr.
template <class T>
void conv2d_backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                           const Conv2dArgs& a);

// gw [C_out, C_in/groups, kH, kW]; x any strides; g [N, C_out, Ho, Wo]
// contiguous. The sum over the batch runs in a fixed order (deterministic).
template <class T>
void conv2d_backward_weight(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a);

// The same three by im2col + Eigen's GEMM, the path conv2d_* take for
// double; float takes an implicit GEMM (forward, weight gradient:
// kernels/cpu/conv_f32.cpp) or the packed SGEMM (input gradient) at column
// stride > 1, on image-interleaved blocks for batches of 8 or more
// (kernels/cpu/conv_lanes.cpp: forward and input gradient), and
// kernels/cpu/conv_s1.cpp at stride 1. Kept as the
// reference of tests and benchmarks.
template <class T>
void conv2d_forward_im2col(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a);
template <class T>
void conv2d_backward_input_im2col(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                                  const Conv2dArgs& a);
template <class T>
void conv2d_backward_weight_im2col(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a);

// Column-matrix helpers on one image x [C, H, W] (any strides):
// col[(c kH kW + a kW + b) ld + i Wo + j] = x[c, i sh - ph + a dh, j sw - pw + b dw] (0 outside).
template <class T>
void im2col(T* col, int64_t ld, View<const T> x, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
            const Conv2dArgs& a);
// The adjoint: x [C, H, W] (contiguous) += the entries of col at their source positions.
template <class T>
void col2im(View<T> x, const T* col, int64_t ld, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
            const Conv2dArgs& a);

// The receptive fields as offsets: table[t Ho Wo + i Wo + j] (t = a kW + b,
// the tap) = (i sh - ph + a dh) row_stride + (j sw - pw + b dw) col_stride,
// the offset within one channel of an H x W image of the input that output
// (i, j) reads through tap t, or -1 where that input is padding.
void conv_offsets(int64_t* table, int64_t H, int64_t W, int64_t row_stride, int64_t col_stride, int64_t kH,
                  int64_t kW, int64_t Ho, int64_t Wo, const Conv2dArgs& a);

}  // namespace cpu
}  // namespace nabla::kernels
