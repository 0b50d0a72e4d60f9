// CUDA losses: binary cross-entropy with logits as a grid-stride elementwise
// kernel; cross_entropy and nll with one thread per row, each a serial pass
// over the classes (the formulas and accumulation of kernels/cpu/loss.cpp).
#include <cstdint>

#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/loss.h"

namespace nabla::kernels::cuda {

namespace {

template <class T>
__device__ T softplus(T z) {  // log(1 + exp(z)) without overflow
  return fmax(z, T(0)) + log1p(exp(-fabs(z)));
}

template <class T>
__global__ void bce_kernel(View<T> out, View<const T> x, View<const T> t, View<const T> pw, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const T xi = x.data[offset_of(x, i)], ti = t.data[offset_of(t, i)];
    T v;
    if (!pw.data) {
      v = fmax(xi, T(0)) - xi * ti + log1p(exp(-fabs(xi)));
    } else {
      const T p = pw.data[offset_of(pw, i)];
      v = (1 - ti) * xi + (1 + (p - 1) * ti) * softplus(-xi);
    }
    out.data[offset_of(out, i)] = v;
  }
}

// Offset in v of row r, a row-major index over `sizes`' first nd dims.
template <class T>
__device__ int64_t row_offset(const View<T>& v, int nd, int64_t r, const int64_t* sizes) {
  int64_t off = 0;
  for (int d = nd - 1; d >= 0; --d) {
    off += (r % sizes[d]) * v.stride[d];
    r /= sizes[d];
  }
  return off;
}

template <class T>
__global__ void cross_entropy_kernel(View<T> loss, View<T> lse, View<const T> logits, View<const int64_t> target,
                                     double e, int64_t rows) {
  const int nd = loss.ndim;
  const int64_t C = logits.size[nd], cs = logits.stride[nd];
  for (int64_t r = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; r < rows; r += int64_t(gridDim.x) * blockDim.x) {
    const T* x = logits.data + row_offset(logits, nd, r, loss.size);
    double m = -INFINITY, total = 0;
    for (int64_t c = 0; c < C; ++c) {
      m = fmax(m, double(x[c * cs]));
      total += x[c * cs];
    }
    double s = 0;
    for (int64_t c = 0; c < C; ++c) s += exp(double(x[c * cs]) - m);
    const double l = m + log(s);
    const int64_t t = target.data[row_offset(target, nd, r, loss.size)];
    const double smooth = e > 0 ? e / double(C) * total : 0.0;
    loss.data[row_offset(loss, nd, r, loss.size)] = T(l - (1 - e) * double(x[t * cs]) - smooth);
    lse.data[row_offset(lse, nd, r, loss.size)] = T(l);
  }
}

template <class T>
__global__ void nll_kernel(View<T> loss, View<const T> log_probs, View<const int64_t> target, int64_t rows) {
  const int nd = loss.ndim;
  const int64_t cs = log_probs.stride[nd];
  for (int64_t r = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; r < rows; r += int64_t(gridDim.x) * blockDim.x) {
    const int64_t t = target.data[row_offset(target, nd, r, loss.size)];
    loss.data[row_offset(loss, nd, r, loss.size)] = -log_probs.data[row_offset(log_probs, nd, r, loss.size) + t * cs];
  }
}

}  // namespace

template <class T>
void cross_entropy(View<T> loss, View<T> lse, View<const T> logits, View<const int64_t> target,
                   double label_smoothing) {
  const int64_t rows = loss.numel();
  if (rows == 0) return;
  cross_entropy_kernel<<<grid_for(rows), kBlock, 0, stream(device_of(loss.data))>>>(loss, lse, logits, target,
                                                                                    label_smoothing, rows);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void nll(View<T> loss, View<const T> log_probs, View<const int64_t> target) {
  const int64_t rows = loss.numel();
  if (rows == 0) return;
  nll_kernel<<<grid_for(rows), kBlock, 0, stream(device_of(loss.data))>>>(loss, log_probs, target, rows);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void bce_with_logits(View<T> out, View<const T> x, View<const T> t, View<const T> pos_weight) {
  const int64_t n = out.numel();
  if (n == 0) return;
  bce_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out, x, t, pos_weight, n);
  CUDA_CHECK_LAUNCH();
}

#define NABLA_INSTANTIATE(T)                                                                    \
  template void bce_with_logits<T>(View<T>, View<const T>, View<const T>, View<const T>);       \
  template void cross_entropy<T>(View<T>, View<T>, View<const T>, View<const int64_t>, double); \
  template void nll<T>(View<T>, View<const T>, View<const int64_t>);
NABLA_INSTANTIATE(float)
NABLA_INSTANTIATE(double)
#undef NABLA_INSTANTIATE

}  // namespace nabla::kernels::cuda
