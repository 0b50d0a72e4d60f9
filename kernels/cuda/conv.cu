// CUDA convolution by im2col + our GEMM, the decomposition of
// kernels/cpu/conv.cpp. With K = C_in/G kH kW and P = Ho Wo, images are
// processed in chunks of nb; a chunk's column matrix is
//   col [C_in kH kW, nb P],  col[(c kH + a) kW + b, m P + i Wo + j]
//                              = x[n0 + m, c, i sh - ph + a dh, j sw - pw + b dw]
// (0 outside the image), so that per image n and group g
//   forward         Y_ng [Co, P]   = W_g [Co, K] col_ng [K, P]
//   input gradient  col_ng [K, P]  = W_g^T G_ng, then col2im
//   weight gradient W_g' [Co, K]   = Gt_g [Co, nb P] col_g^T [nb P, K]
// where Gt is g laid out as [C_out, nb P]. Chunks keep col under kColBudget.
#include <algorithm>
#include <cstdint>
#include <initializer_list>

#include "kernels/cuda/conv.h"
#include "kernels/cuda/cudnn_conv.h"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/launch.cuh"
#include "kernels/device.h"

namespace nabla::kernels::cuda {

namespace {

constexpr int64_t kColBudget = int64_t{1} << 25;  // elements of the column buffer (128 MiB in f32)

#define NABLA_GRID_STRIDE(i, n) \
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

// The sizes of one convolution (x: input, or gx; g: output, or its gradient).
struct Geometry {
  int64_t N, C_in, H, W, C_out, kH, kW, Ho, Wo, G, Co, K, P;
};
template <class X, class Wt, class Y>
Geometry geometry(const View<X>& x, const View<Wt>& w, const View<Y>& y, int64_t groups) {
  Geometry s{x.size[0], x.size[1], x.size[2], x.size[3], w.size[0], w.size[2], w.size[3], y.size[2], y.size[3],
             groups, 0, 0, 0};
  s.Co = s.C_out / s.G;
  s.K = w.size[1] * s.kH * s.kW;
  s.P = s.Ho * s.Wo;
  return s;
}

// Device scratch from the caching allocator, freed at scope exit.
template <class T>
struct Scratch {
  T* data;
  int device;
  Scratch(int64_t n, int dev)
      : data(static_cast<T*>(cuda::malloc(sizeof(T) * std::max<int64_t>(n, 1), dev))), device(dev) {}
  ~Scratch() { cuda::free(data, device); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

// One thread per element of col (see the file comment) for images n0 .. n0 + nb - 1.
template <class T>
__global__ void im2col_kernel(T* col, View<const T> x, Geometry s, Conv2dArgs a, int64_t n0, int64_t nb) {
  const int64_t ld = nb * s.P, total = s.C_in * s.kH * s.kW * ld;
  NABLA_GRID_STRIDE(e, total) {
    const int64_t row = e / ld, column = e % ld;
    const int64_t m = column / s.P, i = column % s.P / s.Wo, j = column % s.Wo;
    const int64_t c = row / (s.kH * s.kW), ta = row / s.kW % s.kH, tb = row % s.kW;
    const int64_t h = i * a.stride[0] - a.padding[0] + ta * a.dilation[0];
    const int64_t w = j * a.stride[1] - a.padding[1] + tb * a.dilation[1];
    const bool inside = h >= 0 && h < s.H && w >= 0 && w < s.W;
    col[e] = inside ? x.data[(n0 + m) * x.stride[0] + c * x.stride[1] + h * x.stride[2] + w * x.stride[3]] : T(0);
  }
}

// The adjoint of im2col, one thread per pixel (n0 + m, c, h, w) of the
// contiguous gx: it sums the col entries of the taps (ta, tb) that read it,
// in tap order (the CPU's order), i.e. output (i, j) with
// i sh - ph + ta dh = h and j sw - pw + tb dw = w; then adds bias[c].
template <class T>
__global__ void col2im_kernel(T* gx, const T* col, View<const T> bias, Geometry s, Conv2dArgs a, int64_t nb) {
  const int64_t ld = nb * s.P, total = nb * s.C_in * s.H * s.W;
  NABLA_GRID_STRIDE(e, total) {
    const int64_t w = e % s.W, h = e / s.W % s.H, c = e / (s.W * s.H) % s.C_in, m = e / (s.W * s.H * s.C_in);
    T acc = 0;
    for (int64_t ta = 0; ta < s.kH; ++ta) {
      const int64_t hi = h + a.padding[0] - ta * a.dilation[0];
      if (hi < 0 || hi % a.stride[0] != 0 || hi / a.stride[0] >= s.Ho) continue;
      const int64_t i = hi / a.stride[0];
      for (int64_t tb = 0; tb < s.kW; ++tb) {
        const int64_t wi = w + a.padding[1] - tb * a.dilation[1];
        if (wi < 0 || wi % a.stride[1] != 0 || wi / a.stride[1] >= s.Wo) continue;
        const int64_t j = wi / a.stride[1];
        acc += col[((c * s.kH + ta) * s.kW + tb) * ld + m * s.P + i * s.Wo + j];
      }
    }
    if (bias.data) acc += bias.data[c * bias.stride[0]];
    gx[e] = acc;
  }
}

// y [n, c, p] (contiguous) += bias[c].
template <class T>
__global__ void add_bias_kernel(T* y, View<const T> bias, int64_t C, int64_t P, int64_t total) {
  NABLA_GRID_STRIDE(e, total) y[e] += bias.data[(e / P % C) * bias.stride[0]];
}

// gt [c, m P + p] = g[n0 + m, c, p] (g contiguous [N, C_out, P]).
template <class T>
__global__ void channels_first_kernel(T* gt, const T* g, Geometry s, int64_t n0, int64_t nb) {
  const int64_t ld = nb * s.P, total = s.C_out * ld;
  NABLA_GRID_STRIDE(e, total) {
    const int64_t c = e / ld, m = e % ld / s.P, p = e % s.P;
    gt[e] = g[((n0 + m) * s.C_out + c) * s.P + p];
  }
}

template <class T>
__global__ void accumulate_kernel(T* dst, const T* src, int64_t n) {
  NABLA_GRID_STRIDE(e, n) dst[e] += src[e];
}

#undef NABLA_GRID_STRIDE

// C = A B (gemm.h: our exact kernels, float tiled by shape) for every batch
// index z < count, z row-major over `sizes` (up to 2 dims), each matrix
// advancing by its own strides per batch dim.
template <class T>
void gemm_batched(gemm::Mat<T> c, gemm::Mat<const T> a, gemm::Mat<const T> b, int64_t M, int64_t N, int64_t K,
                  std::initializer_list<int64_t> sizes, std::initializer_list<int64_t> sc,
                  std::initializer_list<int64_t> sa, std::initializer_list<int64_t> sb, int device) {
  gemm::Batch batch;
  batch.ndim = static_cast<int>(sizes.size());
  for (int d = 0; d < batch.ndim; ++d) {
    batch.size[d] = sizes.begin()[d];
    batch.count *= batch.size[d];
    batch.stride_c[d] = sc.begin()[d], batch.stride_a[d] = sa.begin()[d], batch.stride_b[d] = sb.begin()[d];
  }
  gemm::run<T>(c, a, b, M, N, K, batch, false, device);
}

// Images per chunk: as many as keep col [C_in kH kW, nb P] under the budget.
int64_t chunk_of(const Geometry& s) {
  const int64_t per_image = std::max<int64_t>(s.C_in * s.kH * s.kW * s.P, 1);
  return std::clamp<int64_t>(kColBudget / per_image, 1, std::max<int64_t>(s.N, 1));
}

}  // namespace

template <class T>
void conv2d_forward(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a,
                    Backend backend) {
  if (backend == Backend::vendor) return cudnn::conv2d_forward(out, x, w, bias, a);
  const Geometry s = geometry(x, w, out, a.groups);
  if (out.numel() == 0) return;
  const int dev = device_of(out.data);
  const cudaStream_t st = stream(dev);
  const int64_t chunk = chunk_of(s);
  Scratch<T> col(s.C_in * s.kH * s.kW * chunk * s.P, dev);
  for (int64_t n0 = 0; n0 < s.N; n0 += chunk) {
    const int64_t nb = std::min(chunk, s.N - n0), ld = nb * s.P;
    im2col_kernel<<<grid_for(s.C_in * s.kH * s.kW * ld), kBlock, 0, st>>>(col.data, x, s, a, n0, nb);
    CUDA_CHECK_LAUNCH();
    // Y_ng = W_g col_ng over the batch (m, g).
    gemm_batched<T>({out.data + n0 * s.C_out * s.P, s.P, 1}, {w.data, s.K, 1}, {col.data, ld, 1}, s.Co, s.P, s.K,
                    {nb, s.G}, {s.C_out * s.P, s.Co * s.P}, {0, s.Co * s.K}, {s.P, s.K * ld}, dev);
  }
  if (bias.data) {
    const int64_t total = out.numel();
    add_bias_kernel<<<grid_for(total), kBlock, 0, st>>>(out.data, bias, s.C_out, s.P, total);
    CUDA_CHECK_LAUNCH();
  }
}

template <class T>
void conv2d_backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                           const Conv2dArgs& a, Backend backend) {
  if (backend == Backend::vendor) return cudnn::conv2d_backward_input(gx, g, w, bias, a);
  const Geometry s = geometry(gx, w, g, a.groups);
  if (gx.numel() == 0) return;
  const int dev = device_of(gx.data);
  const cudaStream_t st = stream(dev);
  const int64_t chunk = chunk_of(s);
  Scratch<T> col(s.C_in * s.kH * s.kW * chunk * s.P, dev);
  for (int64_t n0 = 0; n0 < s.N; n0 += chunk) {
    const int64_t nb = std::min(chunk, s.N - n0), ld = nb * s.P;
    // col_ng = W_g^T G_ng: W_g read transposed (row stride 1, column stride K).
    gemm_batched<T>({col.data, ld, 1}, {w.data, 1, s.K}, {g.data + n0 * g.stride[0], s.P, 1}, s.K, s.P, s.Co,
                    {nb, s.G}, {s.P, s.K * ld}, {0, s.Co * s.K}, {g.stride[0], s.Co * s.P}, dev);
    const int64_t pixels = nb * s.C_in * s.H * s.W;
    col2im_kernel<<<grid_for(pixels), kBlock, 0, st>>>(gx.data + n0 * s.C_in * s.H * s.W, col.data, bias, s, a,
                                                       nb);
    CUDA_CHECK_LAUNCH();
  }
}

template <class T>
void conv2d_backward_weight(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a,
                            Backend backend) {
  if (backend == Backend::vendor) return cudnn::conv2d_backward_weight(gw, x, g, a);
  const Geometry s = geometry(x, gw, g, a.groups);
  const int64_t size = gw.numel();
  if (size == 0) return;
  const int dev = device_of(gw.data);
  const cudaStream_t st = stream(dev);
  if (s.N == 0 || s.P == 0) {
    CUDA_CHECK(cudaMemsetAsync(gw.data, 0, sizeof(T) * size, st));
    return;
  }
  const int64_t chunk = chunk_of(s);
  Scratch<T> col(s.C_in * s.kH * s.kW * chunk * s.P, dev), gt(s.C_out * chunk * s.P, dev);
  Scratch<T> part(chunk < s.N ? size : 0, dev);  // later chunks' gradients, added in chunk order
  for (int64_t n0 = 0; n0 < s.N; n0 += chunk) {
    const int64_t nb = std::min(chunk, s.N - n0), ld = nb * s.P;
    im2col_kernel<<<grid_for(s.C_in * s.kH * s.kW * ld), kBlock, 0, st>>>(col.data, x, s, a, n0, nb);
    CUDA_CHECK_LAUNCH();
    channels_first_kernel<<<grid_for(s.C_out * ld), kBlock, 0, st>>>(gt.data, g.data, s, n0, nb);
    CUDA_CHECK_LAUNCH();
    // W_g' = Gt_g col_g^T: col_g read transposed (row stride 1, column stride ld).
    T* dst = n0 == 0 ? gw.data : part.data;
    gemm_batched<T>({dst, s.K, 1}, {gt.data, ld, 1}, {col.data, 1, ld}, s.Co, s.K, ld, {s.G}, {s.Co * s.K},
                    {s.Co * ld}, {s.K * ld}, dev);
    if (n0 > 0) {
      accumulate_kernel<<<grid_for(size), kBlock, 0, st>>>(gw.data, part.data, size);
      CUDA_CHECK_LAUNCH();
    }
  }
}

#define NABLA_CONV_INSTANTIATE(T)                                                                                \
  template void conv2d_forward<T>(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&,         \
                                  Backend);                                                                      \
  template void conv2d_backward_input<T>(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&, \
                                         Backend);                                                               \
  template void conv2d_backward_weight<T>(View<T>, View<const T>, View<const T>, const Conv2dArgs&, Backend);
NABLA_CONV_INSTANTIATE(float)
NABLA_CONV_INSTANTIATE(double)
#undef NABLA_CONV_INSTANTIATE

}  // namespace nabla::kernels::cuda
