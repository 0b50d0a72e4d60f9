#pragma once
// Element offset in v of batch entry b, when v's last `tail` dims hold one
// matrix (or vector) of a batch: the batched linear algebra kernels (det.cu,
// eigh.cu, svdvals.cu; the CPU's is kernels/cpu/loop.h's batch_offset).
#include <cstdint>

#include "kernels/view.h"

namespace nabla::kernels::cuda {
template <class T>
__device__ __forceinline__ int64_t batch_offset(const View<T>& v, int tail, int64_t b) {
  int64_t off = 0;
  for (int d = v.ndim - tail - 1; d >= 0; --d) {
    off += (b % v.size[d]) * v.stride[d];
    b /= v.size[d];
  }
  return off;
}
}  // namespace nabla::kernels::cuda
