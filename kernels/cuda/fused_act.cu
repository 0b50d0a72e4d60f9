// CUDA activation epilogues: a grid-stride pass for the activation and for
// the pre-activation gradient, then one block per channel for the bias sums
// (each thread a strided partial sum, then a fixed-order block reduction).
#include <type_traits>

#include "kernels/activation_math.h"
#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/fused_act.h"
#include "kernels/cuda/launch.cuh"

namespace nabla::kernels::cuda {

namespace {

template <class T>
using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;

// The activation f and the pre-activation gradient f.grad (kernels/activation_math.h).
template <class T, class F>
__global__ void activate_kernel(T* y, int64_t n, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    y[i] = f(y[i]);
}

template <class T, class F>
__global__ void grad_kernel(T* gz, const T* g, const T* y, int64_t n, F f) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    gz[i] = f.grad(g[i], y[i]);
}

// Block c sums channel c of gz [N, C, S]: thread t takes positions
// k = t, t + kBlock, ... (k = n S + s), then the block reduces in a fixed order.
template <class T>
__global__ void bias_kernel(T* gbias, const T* gz, NCS sh) {
  const int64_t c = blockIdx.x, red = sh.n * sh.s;
  Acc<T> acc = 0;
  for (int64_t k = threadIdx.x; k < red; k += kBlock) acc += gz[(k / sh.s * sh.c + c) * sh.s + k % sh.s];
  acc = block_all_reduce<kBlock>(acc, Plus<Acc<T>>{}, Acc<T>(0));
  if (threadIdx.x == 0) gbias[c] = static_cast<T>(acc);
}

}  // namespace

template <class T>
void activate_(T* y, int64_t count, Activation a) {
  if (count == 0 || a.kind == Act::identity) return;
  act::with_activation<T>(a, [&](auto f) {
    activate_kernel<<<grid_for(count), kBlock, 0, stream(device_of(y))>>>(y, count, f);
    CUDA_CHECK_LAUNCH();
  });
}

template <class T>
void activation_backward(T* gz, T* gbias, const T* g, const T* y, NCS sh, Activation a) {
  const int64_t n = sh.n * sh.c * sh.s;
  const bool sums = gbias != nullptr && sh.c > 0;
  if (n == 0 && !sums) return;
  cudaStream_t st = stream(device_of(n > 0 ? static_cast<const void*>(gz) : gbias));
  if (n > 0) {
    act::with_activation<T>(a, [&](auto f) {
      grad_kernel<<<grid_for(n), kBlock, 0, st>>>(gz, g, y, n, f);
      CUDA_CHECK_LAUNCH();
    });
  }
  if (!sums) return;
  // Also for an empty batch (n == 0): the sums are zeros, gz is not read.
  bias_kernel<T><<<static_cast<unsigned>(sh.c), kBlock, 0, st>>>(gbias, gz, sh);
  CUDA_CHECK_LAUNCH();
}

#define NABLA_FLOAT(T)                                 \
  template void activate_<T>(T*, int64_t, Activation); \
  template void activation_backward<T>(T*, T*, const T*, const T*, NCS, Activation);
NABLA_FLOAT(float)
NABLA_FLOAT(double)
#undef NABLA_FLOAT

}  // namespace nabla::kernels::cuda
