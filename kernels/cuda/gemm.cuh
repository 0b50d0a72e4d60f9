#pragma once
// The double GEMM (gemm.h's contract; float runs gemm_f32.cuh's kernels).
//
// Tiling (the classic shared-memory + register-blocking scheme):
//   - a block of 256 threads computes a BM x BN = 64 x 64 tile of C;
//   - it walks K in steps of BK = 16, staging the A tile [BM, BK] and the B
//     tile [BK, BN] in shared memory (zeros past the matrix edges);
//   - thread (ty, tx) of a 16 x 16 grid owns the 4 x 4 register block of C at
//     rows ty + 16 i, cols tx + 16 j: at each k it loads 4 values of A and 4
//     of B from shared memory and does 16 multiply-adds.
// Rows and columns strided by 16 keep the shared-memory reads of a warp on
// distinct banks or broadcast, and the final stores coalesced.
#include <cstdint>

#include "kernels/cuda/gemm.h"

namespace nabla::kernels::cuda::gemm {

inline constexpr int BM = 64, BN = 64, BK = 16, TM = 4, TN = 4;
inline constexpr int kThreads = (BM / TM) * (BN / TN);  // 256

template <class T>
__global__ void __launch_bounds__(kThreads)
    gemm_tiled(Mat<T> c, Mat<const T> a, Mat<const T> b, int64_t M, int64_t N, int64_t K, Batch batch) {
  __shared__ T As[BK][BM];  // As[k][m]: a column of A per k, read as a broadcast row
  __shared__ T Bs[BK][BN];
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  const int64_t row0 = blockIdx.y * int64_t(BM), col0 = blockIdx.x * int64_t(BN);

  for (int64_t z = blockIdx.z; z < batch.count; z += gridDim.z) {
    int64_t oc = 0, oa = 0, ob = 0;
    for (int64_t d = batch.ndim - 1, i = z; d >= 0; --d) {
      const int64_t idx = i % batch.size[d];
      i /= batch.size[d];
      oc += idx * batch.stride_c[d], oa += idx * batch.stride_a[d], ob += idx * batch.stride_b[d];
    }
    T acc[TM][TN] = {};
    for (int64_t k0 = 0; k0 < K; k0 += BK) {
      // 1024 elements per tile, 4 per thread. A: consecutive threads take
      // consecutive k (coalesced for row-major A); B: consecutive n.
      for (int e = tid; e < BM * BK; e += kThreads) {
        const int m = e / BK, k = e % BK;
        const int64_t gm = row0 + m, gk = k0 + k;
        As[k][m] = gm < M && gk < K ? a.data[oa + gm * a.rs + gk * a.cs] : T(0);
      }
      for (int e = tid; e < BK * BN; e += kThreads) {
        const int k = e / BN, n = e % BN;
        const int64_t gk = k0 + k, gn = col0 + n;
        Bs[k][n] = gk < K && gn < N ? b.data[ob + gk * b.rs + gn * b.cs] : T(0);
      }
      __syncthreads();
#pragma unroll
      for (int k = 0; k < BK; ++k) {
        T ra[TM], rb[TN];
#pragma unroll
        for (int i = 0; i < TM; ++i) ra[i] = As[k][ty + 16 * i];
#pragma unroll
        for (int j = 0; j < TN; ++j) rb[j] = Bs[k][tx + 16 * j];
#pragma unroll
        for (int i = 0; i < TM; ++i)
#pragma unroll
          for (int j = 0; j < TN; ++j) acc[i][j] += ra[i] * rb[j];
      }
      __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < TM; ++i)
#pragma unroll
      for (int j = 0; j < TN; ++j) {
        const int64_t gm = row0 + ty + 16 * i, gn = col0 + tx + 16 * j;
        if (gm < M && gn < N) c.data[oc + gm * c.rs + gn * c.cs] = acc[i][j];
      }
  }
}

}  // namespace nabla::kernels::cuda::gemm
