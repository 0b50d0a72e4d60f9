// Strided copy with conversion, and fill: one grid-stride kernel each.
// kernel: thread i handles linear indices i, i + gridDim*blockDim, ...; a
// strided operand finds its element with offset_of (launch.cuh).
#include <cstdint>

#include "kernels/instantiate.h"
#include "kernels/cuda/copy.h"
#include "kernels/cuda/launch.cuh"

namespace nabla::kernels::cuda {

namespace {

template <class To, class From>
__global__ void cast_kernel(View<To> out, View<const From> in, int64_t n, bool flat) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t o = flat ? i : offset_of(out, i);
    const int64_t s = flat ? i : offset_of(in, i);
    out.data[o] = static_cast<To>(in.data[s]);
  }
}

template <class T>
__global__ void fill_kernel(View<T> out, T value, int64_t n, bool flat) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out.data[flat ? i : offset_of(out, i)] = value;
}

}  // namespace

template <class To, class From>
void cast(View<To> out, View<const From> in) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const bool flat = out.contiguous() && in.contiguous();
  cast_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out, in, n, flat);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void fill(View<T> out, T value) {
  const int64_t n = out.numel();
  if (n == 0) return;
  fill_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out, value, n, out.contiguous());
  CUDA_CHECK_LAUNCH();
}

NABLA_INSTANTIATE_CAST_AND_FILL()

}  // namespace nabla::kernels::cuda
