#pragma once
// What every CUDA kernel file shares: the device's default stream, launch
// sizes for grid-stride loops, and strided indexing of a View.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/check.cuh"
#include "kernels/view.h"

namespace nabla::kernels::cuda {

// The one stream of `device` (created on first use, blocking with respect to
// the legacy default stream); sets `device` current.
cudaStream_t stream(int device);
// The device that owns a device pointer.
int device_of(const void* ptr);

inline constexpr int kBlock = 256;  // threads per block of the grid-stride kernels

// Blocks for a grid-stride loop over n elements: enough to fill the GPU, no
// more than the elements need.
inline unsigned grid_for(int64_t n) {
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > 65535 ? 65535 : blocks));
}

// Element offset in v of row-major linear index i over v's sizes.
template <class T>
__device__ __forceinline__ int64_t offset_of(const View<T>& v, int64_t i) {
  int64_t off = 0;
  for (int d = v.ndim - 1; d >= 0; --d) {
    const int64_t s = v.size[d];
    off += (i % s) * v.stride[d];
    i /= s;
  }
  return off;
}

// Checks the launch just queued (bad configuration) with file and line.
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())

}  // namespace nabla::kernels::cuda
