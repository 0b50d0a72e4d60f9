// CUDA slogdet and inverse, one block of kThreads per matrix (grid-stride
// over the batch): the pivot search is one warp's (value, row) reduction
// that keeps the first row on ties, as the CPU's serial scan does; row swaps,
// scaling and the rank-1 updates are spread over the block.
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/cuda/det.h"
#include "kernels/cuda/batch_offset.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/rounding.cuh"
#include "kernels/device.h"

namespace nabla::kernels::cuda {

namespace {

constexpr int kThreads = 256;
constexpr size_t kSharedBytes = 48 * 1024 - 256;  // below the default limit, beside static shared

// The row of the largest |w[i][k]|, i >= k (the first on ties), found by warp
// 0 and broadcast through `shared_row`. Every thread must call it.
template <class T>
__device__ int pivot_row(const T* w, int n, int cols, int k, int* shared_row) {
  if (threadIdx.x < 32) {
    T best = -1;
    int row = n;
    for (int i = k + threadIdx.x; i < n; i += 32) {
      const T v = fabs(w[i * cols + k]);
      if (v > best) best = v, row = i;  // rows rise along a lane: keeps the first
    }
    for (int s = 16; s > 0; s /= 2) {
      const T ob = __shfl_down_sync(0xffffffffu, best, s);
      const int orow = __shfl_down_sync(0xffffffffu, row, s);
      if (ob > best || (ob == best && orow < row)) best = ob, row = orow;
    }
    if (threadIdx.x == 0) *shared_row = row < n ? row : k;
  }
  __syncthreads();
  const int p = *shared_row;
  __syncthreads();
  return p;
}

template <class T>
__device__ void swap_rows(T* w, int cols, int r, int s) {
  for (int j = threadIdx.x; j < cols; j += blockDim.x) {
    const T t = w[r * cols + j];
    w[r * cols + j] = w[s * cols + j];
    w[s * cols + j] = t;
  }
}

// The block's matrix workspace: dynamic shared memory, or its slice of `global`.
template <class T>
__device__ T* workspace(T* global, int64_t b, int64_t elems) {
  extern __shared__ __align__(16) unsigned char shared_bytes[];
  return global ? global + b * elems : reinterpret_cast<T*>(shared_bytes);
}

template <class T>
__global__ void slogdet_kernel(View<T> sign, View<T> logabs, View<const T> a, T* global, int64_t batch, int64_t work) {
  __shared__ int row;
  const int nd = a.ndim, n = static_cast<int>(a.size[nd - 1]);
  const int64_t rs = a.stride[nd - 2], cs = a.stride[nd - 1];
  for (int64_t b = blockIdx.x; b < batch; b += gridDim.x) {
    T* w = workspace(global, global ? blockIdx.x : 0, work);
    const T* in = a.data + batch_offset(a, 2, b);
    for (int e = threadIdx.x; e < n * n; e += blockDim.x) w[e] = in[(e / n) * rs + (e % n) * cs];
    __syncthreads();
    T s = 1;
    double l = 0;
    for (int k = 0; k < n; ++k) {
      const int p = pivot_row(w, n, n, k, &row);
      const T pivot = w[p * n + k];
      if (pivot == T(0)) {
        s = 0, l = -INFINITY;
        break;
      }
      __syncthreads();  // every thread has read the pivot before rows move
      if (p != k) swap_rows(w, n, k, p), s = -s;
      if (pivot < T(0)) s = -s;
      l += log(static_cast<double>(fabs(pivot)));
      __syncthreads();
      for (int i = k + 1 + threadIdx.x; i < n; i += blockDim.x) w[i * n + k] = rn::div(w[i * n + k], pivot);
      __syncthreads();
      const int m = n - k - 1;
      for (int e = threadIdx.x; e < m * m; e += blockDim.x) {
        const int i = k + 1 + e / m, j = k + 1 + e % m;
        w[i * n + j] = rn::sub(w[i * n + j], rn::mul(w[i * n + k], w[k * n + j]));
      }
      __syncthreads();
    }
    if (threadIdx.x == 0) {
      sign.data[batch_offset(sign, 0, b)] = s;
      logabs.data[batch_offset(logabs, 0, b)] = static_cast<T>(l);
    }
    __syncthreads();
  }
}

template <class T>
__global__ void inverse_kernel(View<T> out, View<const T> a, T* global, int64_t batch, int64_t work) {
  __shared__ int row;
  const int nd = a.ndim, n = static_cast<int>(a.size[nd - 1]), cols = 2 * n;
  const int64_t rs = a.stride[nd - 2], cs = a.stride[nd - 1];
  const int64_t ors = out.stride[nd - 2], ocs = out.stride[nd - 1];
  for (int64_t b = blockIdx.x; b < batch; b += gridDim.x) {
    T* w = workspace(global, global ? blockIdx.x : 0, work);
    T* factor = w + n * cols;
    const T* in = a.data + batch_offset(a, 2, b);
    for (int e = threadIdx.x; e < n * cols; e += blockDim.x) {
      const int i = e / cols, j = e % cols;
      w[e] = j < n ? in[i * rs + j * cs] : T(j - n == i ? 1 : 0);
    }
    __syncthreads();
    for (int k = 0; k < n; ++k) {
      const int p = pivot_row(w, n, cols, k, &row);
      if (p != k) swap_rows(w, cols, k, p);
      __syncthreads();
      const T pivot = w[k * cols + k];
      __syncthreads();
      for (int j = threadIdx.x; j < cols; j += blockDim.x) w[k * cols + j] = rn::div(w[k * cols + j], pivot);
      for (int i = threadIdx.x; i < n; i += blockDim.x)
        if (i != k) factor[i] = w[i * cols + k];  // row k is being scaled meanwhile
      __syncthreads();
      for (int e = threadIdx.x; e < n * cols; e += blockDim.x) {
        const int i = e / cols, j = e % cols;
        if (i != k) w[e] = rn::sub(w[e], rn::mul(factor[i], w[k * cols + j]));
      }
      __syncthreads();
    }
    T* o = out.data + batch_offset(out, 2, b);
    for (int e = threadIdx.x; e < n * n; e += blockDim.x) {
      const int i = e / n, j = e % n;
      o[i * ors + j * ocs] = w[i * cols + n + j];
    }
    __syncthreads();
  }
}

template <class T>
int64_t batch_count(const View<const T>& a) {
  int64_t batch = 1;
  for (int d = 0; d < a.ndim - 2; ++d) batch *= a.size[d];
  return batch;
}

// Runs launch(global, grid, shared_bytes) with `work` elements per matrix:
// in shared memory when they fit, else in a global buffer of one workspace
// per block.
template <class T, class Launch>
void with_workspace(int64_t batch, int64_t work, int device, Launch&& launch) {
  const unsigned grid = static_cast<unsigned>(batch < 65535 ? batch : 65535);
  const size_t bytes = static_cast<size_t>(work) * sizeof(T);
  if (bytes <= kSharedBytes) return launch(static_cast<T*>(nullptr), grid, bytes);
  T* global = static_cast<T*>(cuda::malloc(bytes * grid, device));
  launch(global, grid, size_t{0});
  cuda::free(global, device);  // stream-ordered reuse: safe before the kernel ends
}

}  // namespace

template <class T>
void slogdet(View<T> sign, View<T> logabs, View<const T> a) {
  const int64_t batch = batch_count(a), n = a.size[a.ndim - 1];
  if (batch == 0) return;
  const int device = device_of(a.data);
  with_workspace<T>(batch, n * n, device, [&](T* global, unsigned grid, size_t shared) {
    slogdet_kernel<T><<<grid, kThreads, shared, stream(device)>>>(sign, logabs, a, global, batch, n * n);
    CUDA_CHECK_LAUNCH();
  });
}

template <class T>
void inverse(View<T> out, View<const T> a) {
  const int64_t batch = batch_count(a), n = a.size[a.ndim - 1];
  if (batch == 0 || n == 0) return;
  const int device = device_of(a.data);
  with_workspace<T>(batch, 2 * n * n + n, device, [&](T* global, unsigned grid, size_t shared) {
    inverse_kernel<T><<<grid, kThreads, shared, stream(device)>>>(out, a, global, batch, 2 * n * n + n);
    CUDA_CHECK_LAUNCH();
  });
}

template void slogdet<float>(View<float>, View<float>, View<const float>);
template void slogdet<double>(View<double>, View<double>, View<const double>);
template void inverse<float>(View<float>, View<const float>);
template void inverse<double>(View<double>, View<const double>);

}  // namespace nabla::kernels::cuda
