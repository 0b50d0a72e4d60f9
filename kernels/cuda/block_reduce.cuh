#pragma once
// A block-wide all-reduce of one value per thread in a fixed order (shuffle
// tree inside each warp, then warp 0 over the warp results): deterministic.
// Every thread of the block must call it; blockDim.x == Threads.
#include <cuda_runtime.h>

namespace nabla::kernels::cuda {

template <class V>
struct MaxNaN {  // max, NaN propagating
  __device__ V operator()(V a, V b) const { return isnan(a) || a > b ? a : b; }
};
template <class V>
struct Plus {
  __device__ V operator()(V a, V b) const { return a + b; }
};

template <int Threads, class V, class Op>
__device__ V block_all_reduce(V v, Op op, V identity) {
  static_assert(Threads % 32 == 0 && Threads <= 1024, "whole warps");
  __shared__ V part[Threads / 32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int k = 16; k > 0; k /= 2) v = op(v, __shfl_down_sync(0xffffffffu, v, k));
  if (lane == 0) part[warp] = v;
  __syncthreads();
  if (warp == 0) {
    v = lane < Threads / 32 ? part[lane] : identity;
    for (int k = 16; k > 0; k /= 2) v = op(v, __shfl_down_sync(0xffffffffu, v, k));
    if (lane == 0) part[0] = v;
  }
  __syncthreads();
  v = part[0];
  __syncthreads();  // part is free for the next call
  return v;
}

}  // namespace nabla::kernels::cuda
