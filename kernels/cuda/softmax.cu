// CUDA softmax / log_softmax: one block of kThreads per row (grid-stride over
// rows), three passes over the row as in kernels/cpu/softmax.cpp:
//   m = max x (NaN propagates), s = sum exp(x - m) (in double for float),
//   softmax: y = exp(x - m) * (1 / s);  log_softmax: y = x - (m + log s).
// Each block-wide max and sum is a fixed shuffle tree: deterministic.
#include <cstdint>
#include <type_traits>

#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/softmax.h"

namespace nabla::kernels::cuda {

namespace {

constexpr int kThreads = 256;

template <class T>
using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;

// Offset of row r (row-major over the first ndim - 1 dims) in v.
template <class T>
__device__ int64_t row_offset(const View<T>& v, int64_t r) {
  int64_t off = 0;
  for (int d = v.ndim - 2; d >= 0; --d) {
    off += (r % v.size[d]) * v.stride[d];
    r /= v.size[d];
  }
  return off;
}

template <class T>
__global__ void softmax_kernel(View<T> out, View<const T> in, int64_t rows, int64_t n, bool log) {
  const int last = in.ndim - 1;
  const int64_t sx = in.stride[last], sy = out.stride[last];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* x = in.data + row_offset(in, r);
    T* y = out.data + row_offset(out, r);
    T m = -INFINITY;
    for (int64_t j = threadIdx.x; j < n; j += kThreads) m = MaxNaN<T>{}(m, x[j * sx]);
    m = block_all_reduce<kThreads>(m, MaxNaN<T>{}, T(-INFINITY));
    Acc<T> s = 0;
    for (int64_t j = threadIdx.x; j < n; j += kThreads) s += exp(x[j * sx] - m);
    s = block_all_reduce<kThreads>(s, Plus<Acc<T>>{}, Acc<T>(0));
    if (log) {
      const T shift = m + static_cast<T>(::log(s));
      for (int64_t j = threadIdx.x; j < n; j += kThreads) y[j * sy] = x[j * sx] - shift;
    } else {
      const T inv = static_cast<T>(1 / s);
      for (int64_t j = threadIdx.x; j < n; j += kThreads) y[j * sy] = exp(x[j * sx] - m) * inv;
    }
  }
}

}  // namespace

template <class T>
void softmax(View<T> out, View<const T> in, bool log) {
  if (in.ndim == 0) {  // a scalar is a row of one
    in.ndim = out.ndim = 1;
    in.size[0] = out.size[0] = 1;
    in.stride[0] = out.stride[0] = 1;
  }
  const int64_t n = in.size[in.ndim - 1], rows = in.numel() / (n > 0 ? n : 1);
  if (n == 0 || rows == 0) return;
  const unsigned grid = static_cast<unsigned>(rows < (1 << 20) ? rows : (1 << 20));
  softmax_kernel<<<grid, kThreads, 0, stream(device_of(out.data))>>>(out, in, rows, n, log);
  CUDA_CHECK_LAUNCH();
}

template void softmax<float>(View<float>, View<const float>, bool);
template void softmax<double>(View<double>, View<const double>, bool);

}  // namespace nabla::kernels::cuda
