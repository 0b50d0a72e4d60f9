// Random fills from the Philox stream: one thread per element (grid-stride),
// each a pure function of (seed, offset + i), as kernels/cpu/random.cpp.
// The value of an element: kernels/random_draw.h, shared with the CPU.
#include <cstdint>

#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/random.h"
#include "kernels/philox.h"
#include "kernels/random_draw.h"

namespace nabla::kernels::cuda {

namespace {
template <class T>
__global__ void random_kernel(T* out, int64_t n, RandomArgs args, uint64_t seed, uint64_t offset) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = draw<T>(philox4x32_10(offset + static_cast<uint64_t>(i), 0, seed), args);
}
}  // namespace

template <class T>
void random(View<T> out, RandomArgs args, uint64_t seed, uint64_t offset) {
  const int64_t n = out.numel();
  if (n == 0) return;
  random_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out.data, n, args, seed, offset);
  CUDA_CHECK_LAUNCH();
}

template void random<float>(View<float>, RandomArgs, uint64_t, uint64_t);
template void random<double>(View<double>, RandomArgs, uint64_t, uint64_t);
template void random<int64_t>(View<int64_t>, RandomArgs, uint64_t, uint64_t);
template void random<uint8_t>(View<uint8_t>, RandomArgs, uint64_t, uint64_t);
template void random<bool>(View<bool>, RandomArgs, uint64_t, uint64_t);

}  // namespace nabla::kernels::cuda
