// CUDA pooling (see kernels/cuda/pool.h): the loops of kernels/cpu/pool.cpp,
// one output element (or input pixel, or plane) per thread.
#include <cstdint>

#include "kernels/cuda/launch.cuh"
#include "kernels/instantiate.h"
#include "kernels/cuda/pool.h"

namespace nabla::kernels::cuda {

namespace {

#define NABLA_GRID_STRIDE(i, n) \
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

// Element i of a 4-D view in row-major order of `sizes` ([N, C, H, W]):
// its plane's base offset and its (h, w).
struct Pixel {
  int64_t n, c, h, w;
};
__device__ Pixel pixel_of(int64_t i, const int64_t* sizes) {
  Pixel p;
  p.w = i % sizes[3];
  i /= sizes[3];
  p.h = i % sizes[2];
  i /= sizes[2];
  p.c = i % sizes[1];
  p.n = i / sizes[1];
  return p;
}
template <class T>
__device__ T* plane(const View<T>& v, int64_t n, int64_t c) {
  return v.data + n * v.stride[0] + c * v.stride[1];
}

// The avg_pool2d window of output (oh, ow) clipped to the input, with its
// divisor (kernels/cpu/pool.cpp's avg_window).
struct Window {
  int64_t h0, h1, w0, w1, divisor;
};
__device__ Window avg_window(const Pool2d& p, int64_t oh, int64_t ow, int64_t H, int64_t W) {
  int64_t h0 = oh * p.sh - p.ph, w0 = ow * p.sw - p.pw;
  int64_t h1 = min(h0 + p.kh, H + p.ph), w1 = min(w0 + p.kw, W + p.pw);
  const int64_t padded = (h1 - h0) * (w1 - w0);
  h0 = max(h0, int64_t(0)), w0 = max(w0, int64_t(0));
  h1 = min(h1, H), w1 = min(w1, W);
  const int64_t inside = (h1 - h0) * (w1 - w0);
  return {h0, h1, w0, w1, max(p.count_include_pad ? padded : inside, int64_t(1))};
}

// Smallest q >= 0 with q * s >= a (a may be negative).
__device__ int64_t ceil_div_clamped(int64_t a, int64_t s) { return a <= 0 ? 0 : (a + s - 1) / s; }

template <class T>
__global__ void max_pool_kernel(View<T> out, View<int64_t> indices, View<const T> in, Pool2d p, int64_t n) {
  const int64_t H = in.size[2], W = in.size[3];
  NABLA_GRID_STRIDE(i, n) {
    const Pixel o = pixel_of(i, out.size);
    const T* x = plane(in, o.n, o.c);
    T best = -INFINITY;
    int64_t arg = -1;
    for (int64_t a = 0; a < p.kh; ++a) {
      const int64_t h = o.h * p.sh - p.ph + a * p.dh;
      if (h < 0 || h >= H) continue;
      for (int64_t b = 0; b < p.kw; ++b) {
        const int64_t w = o.w * p.sw - p.pw + b * p.dw;
        if (w < 0 || w >= W) continue;
        const T v = x[h * in.stride[2] + w * in.stride[3]];
        if (arg < 0 || v > best || (isnan(v) && !isnan(best))) best = v, arg = h * W + w;
      }
    }
    plane(out, o.n, o.c)[o.h * out.stride[2] + o.w * out.stride[3]] = best;
    plane(indices, o.n, o.c)[o.h * indices.stride[2] + o.w * indices.stride[3]] = arg;
  }
}

// One thread per (n, c) plane: zero it, then add each output's gradient at its
// argmax in row-major output order, as the CPU does.
template <class T>
__global__ void max_pool_backward_kernel(View<T> gi, View<const T> g, View<const int64_t> indices, int64_t planes) {
  const int64_t C = g.size[1], H = gi.size[2], W = gi.size[3], OH = g.size[2], OW = g.size[3];
  NABLA_GRID_STRIDE(q, planes) {
    T* dst = plane(gi, q / C, q % C);
    const T* src = plane(g, q / C, q % C);
    const int64_t* idx = plane(indices, q / C, q % C);
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w) dst[h * gi.stride[2] + w * gi.stride[3]] = T(0);
    for (int64_t oh = 0; oh < OH; ++oh)
      for (int64_t ow = 0; ow < OW; ++ow) {
        const int64_t k = idx[oh * indices.stride[2] + ow * indices.stride[3]];
        if (k >= 0) dst[(k / W) * gi.stride[2] + (k % W) * gi.stride[3]] += src[oh * g.stride[2] + ow * g.stride[3]];
      }
  }
}

template <class T>
__global__ void max_pool_gather_kernel(View<T> out, View<const T> x, View<const int64_t> indices, int64_t n) {
  const int64_t W = x.size[3];
  NABLA_GRID_STRIDE(i, n) {
    const Pixel o = pixel_of(i, out.size);
    const int64_t k = plane(indices, o.n, o.c)[o.h * indices.stride[2] + o.w * indices.stride[3]];
    plane(out, o.n, o.c)[o.h * out.stride[2] + o.w * out.stride[3]] =
        k >= 0 ? plane(x, o.n, o.c)[(k / W) * x.stride[2] + (k % W) * x.stride[3]] : T(0);
  }
}

template <class T>
__global__ void avg_pool_kernel(View<T> out, View<const T> in, Pool2d p, int64_t n) {
  const int64_t H = in.size[2], W = in.size[3];
  NABLA_GRID_STRIDE(i, n) {
    const Pixel o = pixel_of(i, out.size);
    const T* x = plane(in, o.n, o.c);
    const Window win = avg_window(p, o.h, o.w, H, W);
    double sum = 0;  // the CPU's Acc<T>: double for float and double
    for (int64_t h = win.h0; h < win.h1; ++h)
      for (int64_t w = win.w0; w < win.w1; ++w) sum += x[h * in.stride[2] + w * in.stride[3]];
    plane(out, o.n, o.c)[o.h * out.stride[2] + o.w * out.stride[3]] = T(sum / double(win.divisor));
  }
}

// One thread per input pixel (h, w): the outputs whose window holds it are
// oh with oh*sh - ph <= h < oh*sh - ph + kh (same for w), visited in
// row-major order, each adding g / divisor in T as the CPU does.
template <class T>
__global__ void avg_pool_backward_kernel(View<T> gi, View<const T> g, Pool2d p, int64_t n) {
  const int64_t H = gi.size[2], W = gi.size[3], OH = g.size[2], OW = g.size[3];
  NABLA_GRID_STRIDE(i, n) {
    const Pixel x = pixel_of(i, gi.size);
    const T* src = plane(g, x.n, x.c);
    const int64_t oh0 = ceil_div_clamped(x.h + p.ph - p.kh + 1, p.sh), oh1 = min(OH - 1, (x.h + p.ph) / p.sh);
    const int64_t ow0 = ceil_div_clamped(x.w + p.pw - p.kw + 1, p.sw), ow1 = min(OW - 1, (x.w + p.pw) / p.sw);
    T acc = 0;
    for (int64_t oh = oh0; oh <= oh1; ++oh)
      for (int64_t ow = ow0; ow <= ow1; ++ow) {
        const Window win = avg_window(p, oh, ow, H, W);
        acc += src[oh * g.stride[2] + ow * g.stride[3]] / T(win.divisor);
      }
    plane(gi, x.n, x.c)[x.h * gi.stride[2] + x.w * gi.stride[3]] = acc;
  }
}

template <class T>
__global__ void upsample_kernel(View<T> out, View<const T> in, int64_t n) {
  const int64_t H = in.size[2], W = in.size[3], OH = out.size[2], OW = out.size[3];
  NABLA_GRID_STRIDE(i, n) {
    const Pixel o = pixel_of(i, out.size);
    plane(out, o.n, o.c)[o.h * out.stride[2] + o.w * out.stride[3]] =
        plane(in, o.n, o.c)[(o.h * H / OH) * in.stride[2] + (o.w * W / OW) * in.stride[3]];
  }
}

// One thread per input pixel: output oh reads h = floor(oh * H / OH), so the
// outputs of h are oh in [ceil(h * OH / H), ceil((h + 1) * OH / H)).
template <class T>
__global__ void upsample_backward_kernel(View<T> gi, View<const T> g, int64_t n) {
  const int64_t H = gi.size[2], W = gi.size[3], OH = g.size[2], OW = g.size[3];
  NABLA_GRID_STRIDE(i, n) {
    const Pixel x = pixel_of(i, gi.size);
    const T* src = plane(g, x.n, x.c);
    const int64_t oh0 = (x.h * OH + H - 1) / H, oh1 = ((x.h + 1) * OH + H - 1) / H;
    const int64_t ow0 = (x.w * OW + W - 1) / W, ow1 = ((x.w + 1) * OW + W - 1) / W;
    T acc = 0;
    for (int64_t oh = oh0; oh < oh1; ++oh)
      for (int64_t ow = ow0; ow < ow1; ++ow) acc += src[oh * g.stride[2] + ow * g.stride[3]];
    plane(gi, x.n, x.c)[x.h * gi.stride[2] + x.w * gi.stride[3]] = acc;
  }
}

#undef NABLA_GRID_STRIDE

template <class T>
cudaStream_t stream_of(const View<T>& v) {
  return stream(device_of(v.data));
}

}  // namespace

template <class T>
void max_pool2d(View<T> out, View<int64_t> indices, View<const T> in, const Pool2d& p) {
  const int64_t n = out.numel();
  if (n == 0) return;
  max_pool_kernel<<<grid_for(n), kBlock, 0, stream_of(out)>>>(out, indices, in, p, n);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void max_pool2d_backward(View<T> grad_in, View<const T> g, View<const int64_t> indices) {
  const int64_t planes = grad_in.size[0] * grad_in.size[1];
  if (grad_in.numel() == 0) return;
  max_pool_backward_kernel<<<grid_for(planes), kBlock, 0, stream_of(grad_in)>>>(grad_in, g, indices, planes);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void max_pool2d_gather(View<T> out, View<const T> x, View<const int64_t> indices) {
  const int64_t n = out.numel();
  if (n == 0) return;
  max_pool_gather_kernel<<<grid_for(n), kBlock, 0, stream_of(out)>>>(out, x, indices, n);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void avg_pool2d(View<T> out, View<const T> in, const Pool2d& p) {
  const int64_t n = out.numel();
  if (n == 0) return;
  avg_pool_kernel<<<grid_for(n), kBlock, 0, stream_of(out)>>>(out, in, p, n);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void avg_pool2d_backward(View<T> grad_in, View<const T> g, const Pool2d& p) {
  const int64_t n = grad_in.numel();
  if (n == 0) return;
  avg_pool_backward_kernel<<<grid_for(n), kBlock, 0, stream_of(grad_in)>>>(grad_in, g, p, n);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void upsample_nearest2d(View<T> out, View<const T> in) {
  const int64_t n = out.numel();
  if (n == 0) return;
  upsample_kernel<<<grid_for(n), kBlock, 0, stream_of(out)>>>(out, in, n);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void upsample_nearest2d_backward(View<T> grad_in, View<const T> g) {
  const int64_t n = grad_in.numel();
  if (n == 0) return;
  upsample_backward_kernel<<<grid_for(n), kBlock, 0, stream_of(grad_in)>>>(grad_in, g, n);
  CUDA_CHECK_LAUNCH();
}

NABLA_INSTANTIATE_POOL()

}  // namespace nabla::kernels::cuda
