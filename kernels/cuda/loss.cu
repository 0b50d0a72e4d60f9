// CUDA binary cross-entropy with logits: one grid-stride elementwise kernel,
// the formulas of kernels/cpu/loss.cpp.
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

}  // namespace

template <class T>
void bce_with_logits(View<T> out, View<const T> x, View<const T> t, View<const T> pos_weight) {
  const int64_t n = out.numel();
  if (n == 0) return;
  bce_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out, x, t, pos_weight, n);
  CUDA_CHECK_LAUNCH();
}

template void bce_with_logits<float>(View<float>, View<const float>, View<const float>, View<const float>);
template void bce_with_logits<double>(View<double>, View<const double>, View<const double>, View<const double>);

}  // namespace nabla::kernels::cuda
