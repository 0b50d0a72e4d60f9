// One-sided Jacobi singular values, one block per matrix (grid-stride over
// the batch): each round's r/2 disjoint pairs go to the block's warps; a warp
// forms the pair's three dot products (lane-strided sums, then a fixed
// shuffle tree: deterministic) and applies the rotation. The round order,
// the stopping test and the rotation are those of kernels/cpu/svdvals.cpp.
#include <cstdint>

#include "kernels/cuda/batch_offset.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/svdvals.h"
#include "kernels/device.h"
#include "kernels/svdvals.h"

namespace nabla::kernels::cuda {

namespace {

constexpr int kThreads = 256, kWarps = kThreads / 32;
constexpr size_t kSharedBytes = 48 * 1024 - 256;  // below the default limit, beside static shared

__device__ double warp_sum(double v) {
  for (int k = 16; k > 0; k /= 2) v += __shfl_xor_sync(0xffffffffu, v, k);
  return v;
}

// The warp's rotation of x and y (length n); returns whether it rotated.
__device__ bool rotate_pair(double* x, double* y, int64_t n, double tol, int lane) {
  double alpha = 0, beta = 0, gamma = 0;
  for (int64_t i = lane; i < n; i += 32) alpha += x[i] * x[i], beta += y[i] * y[i], gamma += x[i] * y[i];
  alpha = warp_sum(alpha), beta = warp_sum(beta), gamma = warp_sum(gamma);
  if (gamma == 0 || fabs(gamma) <= tol * sqrt(alpha * beta)) return false;
  const double zeta = (beta - alpha) / (2 * gamma);
  const double t = (zeta >= 0 ? 1.0 : -1.0) / (fabs(zeta) + hypot(1.0, zeta));
  const double c = 1 / sqrt(1 + t * t), s = c * t;
  for (int64_t i = lane; i < n; i += 32) {
    const double xi = x[i], yi = y[i];
    x[i] = c * xi - s * yi;
    y[i] = s * xi + c * yi;
  }
  return true;
}

template <class T>
__global__ void svdvals_kernel(View<T> s, View<const T> a, double* global, int64_t batch, int r, int64_t n,
                               int64_t vs, int64_t es, double tol) {
  extern __shared__ __align__(16) unsigned char shared_bytes[];
  __shared__ int rotated;
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  const int64_t work = r * n + r;
  double* w = global ? global + blockIdx.x * work : reinterpret_cast<double*>(shared_bytes);
  double* norm = w + r * n;
  const int players = r + r % 2;
  for (int64_t b = blockIdx.x; b < batch; b += gridDim.x) {
    const T* in = a.data + batch_offset(a, 2, b);
    for (int64_t e = threadIdx.x; e < r * n; e += kThreads) w[e] = static_cast<double>(in[(e / n) * vs + (e % n) * es]);
    __syncthreads();
    for (int sweep = 0; r > 1 && sweep < kMaxSweeps; ++sweep) {
      if (threadIdx.x == 0) rotated = 0;
      __syncthreads();
      for (int round = 0; round < players - 1; ++round) {
        for (int k = warp; k < players / 2; k += kWarps) {
          int p, q;
          round_robin_pair(round, k, players, p, q);
          if (q < r && rotate_pair(w + p * n, w + q * n, n, tol, lane) && lane == 0) rotated = 1;
        }
        __syncthreads();
      }
      const bool again = rotated != 0;
      __syncthreads();
      if (!again) break;
    }
    for (int j = warp; j < r; j += kWarps) {
      double sum = 0;
      for (int64_t i = lane; i < n; i += 32) sum += w[j * n + i] * w[j * n + i];
      sum = warp_sum(sum);
      if (lane == 0) norm[j] = sqrt(sum);
    }
    __syncthreads();
    // Descending by rank: how many norms come before norm[j] (ties by index).
    T* out = s.data + batch_offset(s, 1, b);
    const int64_t ss = s.stride[s.ndim - 1];
    for (int j = threadIdx.x; j < r; j += kThreads) {
      int rank = 0;
      for (int i = 0; i < r; ++i) rank += norm[i] > norm[j] || (norm[i] == norm[j] && i < j);
      out[rank * ss] = static_cast<T>(norm[j]);
    }
    __syncthreads();
  }
}

}  // namespace

template <class T>
void svdvals(View<T> s, View<const T> a) {
  const SvdShape shape = svd_shape(a);
  const int r = shape.r;
  const int64_t n = shape.n, vs = shape.vector_stride, es = shape.element_stride, batch = shape.batch;
  if (batch == 0 || r == 0) return;
  const int device = device_of(a.data);
  const unsigned grid = static_cast<unsigned>(batch < 65535 ? batch : 65535);
  const size_t bytes = static_cast<size_t>(r * n + r) * sizeof(double);
  double* global = bytes <= kSharedBytes ? nullptr : static_cast<double*>(cuda::malloc(bytes * grid, device));
  svdvals_kernel<T><<<grid, kThreads, global ? 0 : bytes, stream(device)>>>(s, a, global, batch, r, n, vs, es,
                                                                           jacobi_tolerance(n));
  CUDA_CHECK_LAUNCH();
  if (global) cuda::free(global, device);  // stream-ordered reuse: safe before the kernel ends
}

template void svdvals<float>(View<float>, View<const float>);
template void svdvals<double>(View<double>, View<const double>);

}  // namespace nabla::kernels::cuda
