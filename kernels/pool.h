#pragma once
// 2-D pooling and nearest upsampling over [N, C, H, W] views (any strides).
// Each (n, c) plane is computed serially by one thread, so results, including
// the scatter-adds of the backward kernels, do not depend on the thread count.
// Outputs are overwritten, never accumulated into.
#include <cstdint>

#include "kernels/view.h"

namespace nabla::kernels {

// A resolved pooling window: kernel, stride, padding and dilation per axis.
struct Pool2d {
  int64_t kh = 1, kw = 1, sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1;
  bool count_include_pad = true;  // avg_pool2d: divide by kh * kw, else by the in-bounds count
};

namespace cpu {
// out = the max over each window (NaN wins, as in PyTorch); indices = h * W + w
// of the max within its input plane, or -1 for a window that holds no input.
template <class T>
void max_pool2d(View<T> out, View<int64_t> indices, View<const T> in, const Pool2d& p);
// grad_in = 0, then grad_in[n, c, indices[n, c, i, j]] += g[n, c, i, j].
template <class T>
void max_pool2d_backward(View<T> grad_in, View<const T> g, View<const int64_t> indices);
// out[n, c, i, j] = x[n, c, indices[n, c, i, j]] (0 where the index is -1).
template <class T>
void max_pool2d_gather(View<T> out, View<const T> x, View<const int64_t> indices);

template <class T>
void avg_pool2d(View<T> out, View<const T> in, const Pool2d& p);
// The adjoint of avg_pool2d: each g[i, j] / divisor spread over its window.
template <class T>
void avg_pool2d_backward(View<T> grad_in, View<const T> g, const Pool2d& p);

// out[i, j] = in[i * H / OH, j * W / OW] (integer floor), sizes from the views.
template <class T>
void upsample_nearest2d(View<T> out, View<const T> in);
// The adjoint: grad_in[h, w] = sum of g over the outputs that read in[h, w].
template <class T>
void upsample_nearest2d_backward(View<T> grad_in, View<const T> g);
}  // namespace cpu

}  // namespace nabla::kernels
