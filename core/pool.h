#pragma once
// Pooling and nearest upsampling front-ends for [N, C, H, W] or [C, H, W]
// inputs (a 3-D input gives a 3-D result). No gradients here (see
// autograd/pool.h); the backward ops are ordinary ops of their own.
#include <cstdint>
#include <utility>

#include "core/tensor.h"

namespace nabla {

// A (height, width) pair; one number means the same for both.
struct Size2 {
  int64_t h = 0, w = 0;
  Size2() = default;
  Size2(int64_t s) : h(s), w(s) {}  // NOLINT: implicit on purpose
  Size2(int64_t h_, int64_t w_) : h(h_), w(w_) {}
};

}  // namespace nabla

namespace nabla::prim {

// A default (empty, {0, 0}) stride means stride = kernel, as in PyTorch.
// Padding is implicit -inf for max and zeros for avg, at most half the kernel.
// max_pool2d also returns, per output, the argmax h * W + w within its plane.
std::pair<Tensor, Tensor> max_pool2d_with_indices(const Tensor& x, Size2 kernel, Size2 stride = {},
                                                  Size2 padding = 0, Size2 dilation = 1);
Tensor max_pool2d(const Tensor& x, Size2 kernel, Size2 stride = {}, Size2 padding = 0, Size2 dilation = 1);
// Zeros of input_shape with g added at the argmax positions.
Tensor max_pool2d_backward(const Tensor& g, const Tensor& indices, const Shape& input_shape);
// x read at the argmax positions: out[n, c, i, j] = x[n, c, indices[n, c, i, j]].
Tensor max_pool2d_gather(const Tensor& x, const Tensor& indices);

Tensor avg_pool2d(const Tensor& x, Size2 kernel, Size2 stride = {}, Size2 padding = 0,
                  bool count_include_pad = true);
// The adjoint of avg_pool2d with the same window, for an input of input_shape.
Tensor avg_pool2d_backward(const Tensor& g, const Shape& input_shape, Size2 kernel, Size2 stride = {},
                           Size2 padding = 0, bool count_include_pad = true);

// Each pixel repeated scale.h x scale.w times.
Tensor upsample_nearest2d(const Tensor& x, Size2 scale_factor);
// To a given size: out[i, j] = x[floor(i * H / OH), floor(j * W / OW)].
Tensor upsample_nearest2d_to(const Tensor& x, Size2 output_size);
// The adjoint: each input pixel gets the sum of the outputs that copied it.
Tensor upsample_nearest2d_backward(const Tensor& g, const Shape& input_shape);

}  // namespace nabla::prim
