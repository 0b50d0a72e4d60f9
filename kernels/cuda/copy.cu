// Strided copy with conversion, and fill: one grid-stride kernel each.
// kernel: thread i handles linear indices i, i + gridDim*blockDim, ...; a
// strided operand finds its element with offset_of (launch.cuh).
#include <cstdint>

#include "kernels/bf16.h"
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

#define NABLA_CAST_FROM(To)                                         \
  template void cast<To, float>(View<To>, View<const float>);       \
  template void cast<To, double>(View<To>, View<const double>);     \
  template void cast<To, int64_t>(View<To>, View<const int64_t>);   \
  template void cast<To, uint8_t>(View<To>, View<const uint8_t>);   \
  template void cast<To, bool>(View<To>, View<const bool>);         \
  template void fill<To>(View<To>, To);
NABLA_CAST_FROM(float)
NABLA_CAST_FROM(double)
NABLA_CAST_FROM(int64_t)
NABLA_CAST_FROM(uint8_t)
NABLA_CAST_FROM(bool)
#undef NABLA_CAST_FROM
// bf16 converts to and from the floating types only (through float).
template void cast<bf16, float>(View<bf16>, View<const float>);
template void cast<bf16, double>(View<bf16>, View<const double>);
template void cast<bf16, bf16>(View<bf16>, View<const bf16>);
template void cast<float, bf16>(View<float>, View<const bf16>);
template void cast<double, bf16>(View<double>, View<const bf16>);
template void fill<bf16>(View<bf16>, bf16);

}  // namespace nabla::kernels::cuda
