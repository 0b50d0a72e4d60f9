#include "autograd/conv.h"

#include "autograd/autocast.h"
#include "autograd/record.h"
#include "autograd/reduce.h"
#include "autograd/views.h"
#include "core/conv.h"

namespace nabla {

namespace {
// p with the output_padding that makes conv_transpose2d map an input of
// `small` spatial size back to `big` (the size conv2d took it from). For a
// `small` that conv2d computed from `big`, the padding is below the stride.
Conv2dParams transposing(Conv2dParams p, const Shape& big, const Shape& weight, const Shape& small) {
  for (int d = 0; d < 2; ++d)
    p.output_padding[d] = big[2 + d] - prim::conv_transpose_output_size(small[2 + d], weight[2 + d], p.stride[d],
                                                                         p.padding[d], p.dilation[d], 0);
  return p;
}

// The first `shape[2:]` rows and columns of t.
Tensor crop(const Tensor& t, const Shape& shape) {
  if (t.size(2) == shape[2] && t.size(3) == shape[3]) return t;
  return slice(slice(t, 2, 0, shape[2]), 3, 0, shape[3]);
}

// t zero-padded on the bottom and right to spatial size `hw` (slice_backward
// is the differentiable zero-pad).
Tensor pad_to(const Tensor& t, int64_t h, int64_t w) {
  if (t.size(2) == h && t.size(3) == w) return t;
  Shape s = t.shape();
  s[2] = h;
  const Tensor rows = slice_backward(t, s, 2, 0, t.size(2), 1);
  s[3] = w;
  return slice_backward(rows, s, 3, 0, t.size(3), 1);
}
}  // namespace

Tensor conv2d(const Tensor& x_in, const Tensor& w_in, const Tensor& bias_in, const Conv2dParams& p) {
  const Tensor x = autocast(x_in), w = autocast(w_in), bias = autocast(bias_in);
  Tensor y = prim::conv2d(x, w, bias, p);
  return record("conv2d", y, {x, w, bias}, {x, w}, [p](const VjpContext& c) -> Grads {
    const Tensor& g = c.grad;
    auto [gx, gw] = conv2d_backward(g, c.saved[0], c.saved[1], p, c.needs[0], c.needs[1]);
    Tensor gb;
    if (c.needs[2]) gb = sum(g, {0, 2, 3});
    return {gx, gw, gb};
  });
}

std::pair<Tensor, Tensor> conv2d_backward(const Tensor& g, const Tensor& x, const Tensor& w, const Conv2dParams& p,
                                          bool need_x, bool need_w) {
  Tensor gx, gw;
  if (need_x) gx = conv_transpose2d(g, w, {}, transposing(p, x.shape(), w.shape(), g.shape()));
  if (need_w) gw = conv2d_weight(x, g, w.shape(), p);
  return {gx, gw};
}

// y = conv_transpose2d(x, w) is the input gradient of a conv2d that maps y's
// size to (at least) x's size, so <g, y> = <conv2d(g, w), x> = <conv2d_weight(g, x), w>.
// An output_padding >= stride (allowed when below the dilation) makes that
// conv2d's output larger than x: crop its result, zero-pad x to match.
Tensor conv_transpose2d(const Tensor& x_in, const Tensor& w_in, const Tensor& bias_in, const Conv2dParams& p) {
  const Tensor x = autocast(x_in), w = autocast(w_in), bias = autocast(bias_in);
  Tensor y = prim::conv_transpose2d(x, w, bias, p);
  return record("conv_transpose2d", y, {x, w, bias}, {x, w}, [p](const VjpContext& c) -> Grads {
    const Tensor &g = c.grad, &x = c.saved[0], &w = c.saved[1];
    auto [gx, gw] = conv_transpose2d_backward(g, x, w, p, c.needs[0], c.needs[1]);
    Tensor gb;
    if (c.needs[2]) gb = sum(g, {0, 2, 3});
    return {gx, gw, gb};
  });
}

std::pair<Tensor, Tensor> conv_transpose2d_backward(const Tensor& g, const Tensor& x, const Tensor& w,
                                                    const Conv2dParams& p, bool need_x, bool need_w) {
  Conv2dParams q = p;
  q.output_padding = {0, 0};
  Tensor gx, gw;
  if (need_x) gx = crop(conv2d(g, w, {}, q), x.shape());
  if (need_w) {
    const int64_t h = prim::conv_output_size(g.size(2), w.size(2), q.stride[0], q.padding[0], q.dilation[0]);
    const int64_t v = prim::conv_output_size(g.size(3), w.size(3), q.stride[1], q.padding[1], q.dilation[1]);
    gw = conv2d_weight(g, pad_to(x, h, v), w.shape(), q);
  }
  return {gx, gw};
}

// <G, conv2d_weight(x, g)> = <g, conv2d(x, G)> = <conv_transpose2d(g, G), x>.
Tensor conv2d_weight(const Tensor& x, const Tensor& grad_out, const Shape& weight_shape, const Conv2dParams& p) {
  Tensor y = prim::conv2d_weight(x, grad_out, weight_shape, p);
  return record("conv2d_weight", y, {x, grad_out}, {x, grad_out}, [p](const VjpContext& c) -> Grads {
    const Tensor &G = c.grad, &x = c.saved[0], &g = c.saved[1];
    Tensor gx, gg;
    if (c.needs[0]) gx = conv_transpose2d(g, G, {}, transposing(p, x.shape(), G.shape(), g.shape()));
    if (c.needs[1]) gg = conv2d(x, G, {}, p);
    return {gx, gg};
  });
}

}  // namespace nabla
