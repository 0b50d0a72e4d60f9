#pragma once
// Differentiable pooling and nearest upsampling (arguments as in
// core/pool.h). Each backward is an op with its own vjp, so every one of
// these can be differentiated twice:
//   max_pool2d          -> max_pool2d_backward (scatter-add at the argmax)
//   max_pool2d_backward -> max_pool2d_gather   (read at the argmax) -> back again
//   avg_pool2d <-> avg_pool2d_backward, upsample_nearest2d <-> its backward
//   (each pair are adjoint linear maps).
#include "core/pool.h"

namespace nabla {

Tensor max_pool2d(const Tensor& x, Size2 kernel, Size2 stride = {}, Size2 padding = 0, Size2 dilation = 1);
Tensor max_pool2d_backward(const Tensor& g, const Tensor& indices, const Shape& input_shape);
Tensor max_pool2d_gather(const Tensor& x, const Tensor& indices);

Tensor avg_pool2d(const Tensor& x, Size2 kernel, Size2 stride = {}, Size2 padding = 0, bool count_include_pad = true);
Tensor avg_pool2d_backward(const Tensor& g, const Shape& input_shape, Size2 kernel, Size2 stride = {},
                           Size2 padding = 0, bool count_include_pad = true);

Tensor upsample_nearest2d(const Tensor& x, Size2 scale_factor);
Tensor upsample_nearest2d_to(const Tensor& x, Size2 output_size);
Tensor upsample_nearest2d_backward(const Tensor& g, const Shape& input_shape);

}  // namespace nabla
