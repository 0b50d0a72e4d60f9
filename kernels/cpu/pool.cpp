// Pooling and nearest upsampling on the CPU (see kernels/pool.h): plain loops,
// one (n, c) plane per task.
#include "kernels/pool.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/cpu/loop.h"
#include "kernels/instantiate.h"

namespace nabla::kernels::cpu {

namespace {

// Element (h, w) of plane (n, c) of a 4-D view.
template <class T>
struct Plane {
  T* p;
  int64_t sh, sw;
  Plane(const View<T>& v, int64_t n, int64_t c)
      : p(v.data + n * v.stride[0] + c * v.stride[1]), sh(v.stride[2]), sw(v.stride[3]) {}
  T& operator()(int64_t h, int64_t w) const { return p[h * sh + w * sw]; }
};

// Calls f(n, c) for each of the N * C planes, split across threads when the
// total work (planes * work_per_plane) is large.
template <class F>
void for_planes(int64_t n_size, int64_t c_size, int64_t work_per_plane, F&& f) {
  const int64_t planes = n_size * c_size;
#pragma omp parallel for if (planes > 1 && planes * work_per_plane >= 2 * kParallelGrain) schedule(static)
  for (int64_t q = 0; q < planes; ++q) f(q / c_size, q % c_size);
}

template <class T>
void zero_plane(const Plane<T>& x, int64_t h_size, int64_t w_size) {
  for (int64_t h = 0; h < h_size; ++h)
    for (int64_t w = 0; w < w_size; ++w) x(h, w) = T(0);
}

// An avg_pool2d window clipped to the input, with its divisor.
struct Window {
  int64_t h0, h1, w0, w1, divisor;
};
Window avg_window(const Pool2d& p, int64_t oh, int64_t ow, int64_t h_size, int64_t w_size) {
  int64_t h0 = oh * p.sh - p.ph, w0 = ow * p.sw - p.pw;
  int64_t h1 = std::min(h0 + p.kh, h_size + p.ph), w1 = std::min(w0 + p.kw, w_size + p.pw);
  const int64_t padded = (h1 - h0) * (w1 - w0);
  h0 = std::max<int64_t>(h0, 0), w0 = std::max<int64_t>(w0, 0);
  h1 = std::min(h1, h_size), w1 = std::min(w1, w_size);
  const int64_t inside = (h1 - h0) * (w1 - w0);
  return {h0, h1, w0, w1, std::max<int64_t>(p.count_include_pad ? padded : inside, 1)};
}

}  // namespace

template <class T>
void max_pool2d(View<T> out, View<int64_t> indices, View<const T> in, const Pool2d& p) {
  const int64_t H = in.size[2], W = in.size[3], OH = out.size[2], OW = out.size[3];
  for_planes(out.size[0], out.size[1], OH * OW * p.kh * p.kw, [&](int64_t n, int64_t c) {
    const Plane<const T> x(in, n, c);
    const Plane<T> y(out, n, c);
    const Plane<int64_t> idx(indices, n, c);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        T best = -std::numeric_limits<T>::infinity();
        int64_t arg = -1;
        for (int64_t i = 0; i < p.kh; ++i) {
          const int64_t h = oh * p.sh - p.ph + i * p.dh;
          if (h < 0 || h >= H) continue;
          for (int64_t j = 0; j < p.kw; ++j) {
            const int64_t w = ow * p.sw - p.pw + j * p.dw;
            if (w < 0 || w >= W) continue;
            const T v = x(h, w);
            if (arg < 0 || v > best || (std::isnan(v) && !std::isnan(best))) best = v, arg = h * W + w;
          }
        }
        y(oh, ow) = best;
        idx(oh, ow) = arg;
      }
  });
}

template <class T>
void max_pool2d_backward(View<T> grad_in, View<const T> g, View<const int64_t> indices) {
  const int64_t H = grad_in.size[2], W = grad_in.size[3], OH = g.size[2], OW = g.size[3];
  for_planes(g.size[0], g.size[1], H * W + OH * OW, [&](int64_t n, int64_t c) {
    const Plane<T> gi(grad_in, n, c);
    const Plane<const T> go(g, n, c);
    const Plane<const int64_t> idx(indices, n, c);
    zero_plane(gi, H, W);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow)
        if (const int64_t k = idx(oh, ow); k >= 0) gi(k / W, k % W) += go(oh, ow);
  });
}

template <class T>
void max_pool2d_gather(View<T> out, View<const T> x, View<const int64_t> indices) {
  const int64_t W = x.size[3], OH = out.size[2], OW = out.size[3];
  for_planes(out.size[0], out.size[1], OH * OW, [&](int64_t n, int64_t c) {
    const Plane<T> y(out, n, c);
    const Plane<const T> src(x, n, c);
    const Plane<const int64_t> idx(indices, n, c);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        const int64_t k = idx(oh, ow);
        y(oh, ow) = k >= 0 ? src(k / W, k % W) : T(0);
      }
  });
}

template <class T>
void avg_pool2d(View<T> out, View<const T> in, const Pool2d& p) {
  const int64_t H = in.size[2], W = in.size[3], OH = out.size[2], OW = out.size[3];
  for_planes(out.size[0], out.size[1], OH * OW * p.kh * p.kw, [&](int64_t n, int64_t c) {
    const Plane<const T> x(in, n, c);
    const Plane<T> y(out, n, c);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        const Window win = avg_window(p, oh, ow, H, W);
        Acc<T> sum = 0;
        for (int64_t h = win.h0; h < win.h1; ++h)
          for (int64_t w = win.w0; w < win.w1; ++w) sum += x(h, w);
        y(oh, ow) = static_cast<T>(sum / static_cast<Acc<T>>(win.divisor));
      }
  });
}

template <class T>
void avg_pool2d_backward(View<T> grad_in, View<const T> g, const Pool2d& p) {
  const int64_t H = grad_in.size[2], W = grad_in.size[3], OH = g.size[2], OW = g.size[3];
  for_planes(g.size[0], g.size[1], H * W + OH * OW * p.kh * p.kw, [&](int64_t n, int64_t c) {
    const Plane<T> gi(grad_in, n, c);
    const Plane<const T> go(g, n, c);
    zero_plane(gi, H, W);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        const Window win = avg_window(p, oh, ow, H, W);
        const T share = go(oh, ow) / static_cast<T>(win.divisor);
        for (int64_t h = win.h0; h < win.h1; ++h)
          for (int64_t w = win.w0; w < win.w1; ++w) gi(h, w) += share;
      }
  });
}

template <class T>
void upsample_nearest2d(View<T> out, View<const T> in) {
  const int64_t H = in.size[2], W = in.size[3], OH = out.size[2], OW = out.size[3];
  for_planes(out.size[0], out.size[1], OH * OW, [&](int64_t n, int64_t c) {
    const Plane<const T> x(in, n, c);
    const Plane<T> y(out, n, c);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) y(oh, ow) = x(oh * H / OH, ow * W / OW);
  });
}

template <class T>
void upsample_nearest2d_backward(View<T> grad_in, View<const T> g) {
  const int64_t H = grad_in.size[2], W = grad_in.size[3], OH = g.size[2], OW = g.size[3];
  for_planes(g.size[0], g.size[1], H * W + OH * OW, [&](int64_t n, int64_t c) {
    const Plane<T> gi(grad_in, n, c);
    const Plane<const T> go(g, n, c);
    zero_plane(gi, H, W);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) gi(oh * H / OH, ow * W / OW) += go(oh, ow);
  });
}

NABLA_INSTANTIATE_POOL()

}  // namespace nabla::kernels::cpu
