#include "autograd/pool.h"

#include "autograd/record.h"

namespace nabla {

namespace {
Size2 spatial(const Shape& s) { return {s[s.size() - 2], s[s.size() - 1]}; }

// y = upsample(x), whatever fixed its size.
Tensor record_upsample(const Tensor& x, Tensor y) {
  return record("upsample_nearest2d", y, {x}, {}, [shape = x.shape()](const VjpContext& c) -> Grads {
    return {upsample_nearest2d_backward(c.grad, shape)};
  });
}
}  // namespace

Tensor max_pool2d(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding, Size2 dilation) {
  auto [y, indices] = prim::max_pool2d_with_indices(x, kernel, stride, padding, dilation);
  return record("max_pool2d", y, {x}, {indices}, [shape = x.shape()](const VjpContext& c) -> Grads {
    return {max_pool2d_backward(c.grad, c.saved[0], shape)};
  });
}

Tensor max_pool2d_backward(const Tensor& g, const Tensor& indices, const Shape& input_shape) {
  Tensor y = prim::max_pool2d_backward(g, indices, input_shape);
  return record("max_pool2d_backward", y, {g}, {indices}, [](const VjpContext& c) -> Grads {
    return {max_pool2d_gather(c.grad, c.saved[0])};
  });
}

Tensor max_pool2d_gather(const Tensor& x, const Tensor& indices) {
  Tensor y = prim::max_pool2d_gather(x, indices);
  return record("max_pool2d_gather", y, {x}, {indices}, [shape = x.shape()](const VjpContext& c) -> Grads {
    return {max_pool2d_backward(c.grad, c.saved[0], shape)};
  });
}

Tensor avg_pool2d(const Tensor& x, Size2 kernel, Size2 stride, Size2 padding, bool count_include_pad) {
  Tensor y = prim::avg_pool2d(x, kernel, stride, padding, count_include_pad);
  return record("avg_pool2d", y, {x}, {},
                [shape = x.shape(), kernel, stride, padding, count_include_pad](const VjpContext& c) -> Grads {
                  return {avg_pool2d_backward(c.grad, shape, kernel, stride, padding, count_include_pad)};
                });
}

Tensor avg_pool2d_backward(const Tensor& g, const Shape& input_shape, Size2 kernel, Size2 stride, Size2 padding,
                           bool count_include_pad) {
  Tensor y = prim::avg_pool2d_backward(g, input_shape, kernel, stride, padding, count_include_pad);
  return record("avg_pool2d_backward", y, {g}, {},
                [kernel, stride, padding, count_include_pad](const VjpContext& c) -> Grads {
                  return {avg_pool2d(c.grad, kernel, stride, padding, count_include_pad)};
                });
}

Tensor upsample_nearest2d(const Tensor& x, Size2 scale_factor) {
  return record_upsample(x, prim::upsample_nearest2d(x, scale_factor));
}

Tensor upsample_nearest2d_to(const Tensor& x, Size2 output_size) {
  return record_upsample(x, prim::upsample_nearest2d_to(x, output_size));
}

Tensor upsample_nearest2d_backward(const Tensor& g, const Shape& input_shape) {
  Tensor y = prim::upsample_nearest2d_backward(g, input_shape);
  return record("upsample_nearest2d_backward", y, {g}, {}, [size = spatial(g.shape())](const VjpContext& c) -> Grads {
    return {upsample_nearest2d_to(c.grad, size)};
  });
}

}  // namespace nabla
