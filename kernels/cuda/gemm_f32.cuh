#pragma once
// The float GEMMs of matmul and conv (gemm.h's contract, launched by
// gemm.cu): C = A B with C [M, N], A [M, K], B [K, N], any strides (Mat),
// batched over blockIdx.z (Batch). Two kernels share one shared-memory
// pipeline and one tile loader:
//   - sgemm<128> / sgemm<64>: exact fp32 (FFMA), the "hand" backend of
//                    matmul and conv;
//   - tf32_128x256:  tensor cores, mma.sync m16n8k8 with TF32 inputs
//                    (operands rounded to 10-bit mantissas) and fp32
//                    accumulation, matmul's "tf32" backend.
//
// Tiling: a block of 256 threads computes a BM x BN tile of C (128 x 128 or
// 64 x 64 for sgemm, 128 x 256 for TF32), walking K in tiles of BK = 16.
// sgemm's tile is chosen by shape (gemm.h's sgemm_tile): 128 unless that
// gives fewer blocks than the device has SMs, then 64 (a quarter of the
// work per block, ~4x the blocks: 64 x 784 runs 13 blocks instead of 7).
// Each k-tile of A ([BM, 16]) and of B ([16, BN]) is staged in shared memory
// k-major, As[k][m] and Bs[k][n], rows padded by 8 floats (kLdA, kLdB), in a
// ring of kStages = 3 stages filled by cp.async: while the block computes
// k-tile t, the copies of t + 1 and t + 2 are in flight (one __syncthreads
// per k-tile).
//
// Loading a tile (load_tile): an operand is seen as R rows (m for A, n for B)
// by K columns with strides (sr, sk), copied to S[k][r]. When the rows are
// contiguous (sr == 1: column-major A, row-major B) and 16-byte aligned, each
// thread copies whole float4s (cp.async 16 bytes, zero-filled past the edge).
// Otherwise (row-major A, B^T, any other view) it copies single floats, 8
// consecutive k per row across the threads so that a row-major A is still
// read in full 32-byte sectors; that costs 8 copy instructions per thread per
// k-tile against 1024 FMAs, and transposes on the fly. Elements past M, N or K
// are zero-filled, so the inner loops never test bounds.
//
// Banks (row strides = 8 mod 32 floats): the scalar copies write (k, r) at
// bank 8k + r: 2-way at most; the SIMT reads below are broadcasts or 128
// contiguous bytes; the mma fragment reads hit bank 8t + g, all
// 32 distinct.
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/gemm.h"

namespace nabla::kernels::cuda::gemm::f32 {

inline constexpr int BK = 16, kStages = 3, kThreads = 256;
// A block tile of BM_ x BN_ (128 x 128 or 64 x 64 for sgemm, 128 x 256 for
// tf32): shared-memory row strides (padded to 8 mod 32 floats, see Banks)
// and sizes.
template <int BM_, int BN_>
struct Tile {
  static constexpr int BM = BM_, BN = BN_;
  static constexpr int kLdA = BM + 8, kLdB = BN + 8;
  static constexpr int kStageFloats = BK * (kLdA + kLdB);  // As then Bs
  static constexpr int kSmemBytes = kStages * kStageFloats * static_cast<int>(sizeof(float));
  // load_tile covers R = 64, 128, 256 rows (see there)
  static_assert(BM % 64 == 0 && BN % 64 == 0 && kLdA % 32 == 8 && kLdB % 32 == 8, "tile rows, banks 8k + r");
};
static_assert(BK == 16 && kThreads == 256, "load_tile's thread maps assume these");

// ------------------------------------------------------------ cp.async
__device__ __forceinline__ unsigned smem_addr(const float* p) {
  return static_cast<unsigned>(__cvta_generic_to_shared(p));
}
// 4 bytes, or zeros when !valid (src is then not read).
__device__ __forceinline__ void cp_async4(float* dst, const float* src, bool valid) {
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(smem_addr(dst)), "l"(src),
               "r"(valid ? 4 : 0)
               : "memory");
}
// 16 bytes of which the first `bytes` come from src, the rest zeros.
__device__ __forceinline__ void cp_async16(float* dst, const float* src, int bytes) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(smem_addr(dst)), "l"(src), "r"(bytes)
               : "memory");
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
template <int N>
__device__ __forceinline__ void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
}

// One operand of one batch entry: element (r, k) at base[r * sr + k * sk].
struct Operand {
  const float* base;
  int64_t sr, sk, rows;
};

// Queues the copy of rows [r0, r0 + R) x cols [k0, k0 + BK) of `op` into
// S[k][r], row stride Ld (see the top of the file). A thread's elements lie a
// constant step apart, so it computes one address per tile.
template <bool Vec, int R, int Ld>
__device__ __forceinline__ void load_tile(float* S, const Operand& op, int64_t r0, int64_t k0, int64_t K, int tid) {
  // Vec: kStep = 1024 / R k per pass must divide BK (R >= 64); scalar: R / 16 floats per thread.
  static_assert(R % 64 == 0 && R <= 256, "load_tile's thread maps");
  if constexpr (Vec) {
    // float4 e = tid + 256 i: r = 4 (tid % (R / 4)), k = tid / (R / 4) + kStep i
    constexpr int kQuads = R / 4, kStep = kThreads / kQuads;
    const int r = 4 * (tid % kQuads), k = tid / kQuads;
    const int64_t left = op.rows - (r0 + r);
    const int bytes = left > 0 ? 4 * static_cast<int>(left < 4 ? left : 4) : 0;
    const float* src = op.base + (r0 + r) + (k0 + k) * op.sk;
#pragma unroll
    for (int i = 0; i < BK / kStep; ++i) {
      const bool ok = bytes > 0 && k0 + k + kStep * i < K;
      cp_async16(S + (k + kStep * i) * Ld + r, ok ? src + kStep * i * op.sk : op.base, ok ? bytes : 0);
    }
  } else {
    // float i of thread tid: k = tid % 8 + 8 (i % 2), r = tid / 8 + 32 (i / 2).
    // A warp covers 4 rows x 8 k: one full 32-byte sector per row of a
    // row-major A, and banks 8k + r in shared memory (2-way at most).
    const int k = tid % 8, r = tid / 8;
    const float* src = op.base + (r0 + r) * op.sr + (k0 + k) * op.sk;
#pragma unroll
    for (int i = 0; i < R * BK / kThreads; ++i) {
      const int dk = 8 * (i % 2), dr = 32 * (i / 2);
      const bool ok = k0 + k + dk < K && r0 + r + dr < op.rows;
      cp_async4(S + (k + dk) * Ld + r + dr, ok ? src + dk * op.sk + dr * op.sr : op.base, ok);
    }
  }
}

// The pipeline over K: compute(As, Bs) once per k-tile, tiles in order.
template <class Tl, bool VecA, bool VecB, class F>
__device__ __forceinline__ void k_loop(float* smem, const Operand& a, const Operand& b, int64_t row0, int64_t col0,
                                       int64_t K, F&& compute) {
  const int tid = threadIdx.x;
  const int64_t ntiles = (K + BK - 1) / BK;
  auto load = [&](int64_t t) {  // always commits a group (maybe empty): the wait count stays uniform
    if (t < ntiles) {
      float* S = smem + (t % kStages) * Tl::kStageFloats;
      load_tile<VecA, Tl::BM, Tl::kLdA>(S, a, row0, t * BK, K, tid);
      load_tile<VecB, Tl::BN, Tl::kLdB>(S + BK * Tl::kLdA, b, col0, t * BK, K, tid);
    }
    cp_async_commit();
  };
#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) load(s);
  for (int64_t t = 0; t < ntiles; ++t) {
    cp_async_wait<kStages - 2>();  // this thread's copies of tile t have landed
    __syncthreads();               // everyone's have; everyone is done with tile t - 1
    load(t + kStages - 1);         // into tile t - 1's stage
    const float* S = smem + (t % kStages) * Tl::kStageFloats;
    compute(S, S + BK * Tl::kLdA);
  }
  cp_async_wait<0>();
  __syncthreads();  // the next batch entry's prologue reuses the stages
}

// Batch entry z's offsets into c, a, b.
__device__ __forceinline__ void batch_offsets(const Batch& batch, int64_t z, int64_t& oc, int64_t& oa, int64_t& ob) {
  oc = oa = ob = 0;
  for (int64_t d = batch.ndim - 1, i = z; d >= 0; --d) {
    const int64_t idx = i % batch.size[d];
    i /= batch.size[d];
    oc += idx * batch.stride_c[d], oa += idx * batch.stride_a[d], ob += idx * batch.stride_b[d];
  }
}

// ------------------------------------------------------------ fp32 (FFMA)
// Tile BS x BS (BS = 128 or 64), H = BS / 64 halves per side. Thread (ty, tx)
// of a 16 x 16 grid owns a 4H x 4H register tile of C: rows 64 h + ty*4 +
// {0..3} for h < H, the same for columns with tx. A warp is 4 ty x 8 tx
// (warps 4 x 2 over the grid), so per k and half its float4 read of As
// touches 4 addresses (broadcasts) and its read of Bs 128 contiguous bytes;
// then 16 H^2 FMAs. The split halves make each store of 4 columns one float4,
// and a warp's stores of a row 128 contiguous bytes.
// vec_c: c has unit column stride and 16-byte aligned rows (float4 stores).
template <int BS, bool VecA, bool VecB>
__global__ void __launch_bounds__(kThreads, 1)
    sgemm(Mat<float> c, Mat<const float> a, Mat<const float> b, int64_t M, int64_t N, int64_t K, Batch batch,
          bool vec_c) {
  using Tl = Tile<BS, BS>;
  constexpr int H = BS / 64, TR = 4 * H;  // halves per side, register tile side
  extern __shared__ float4 smem4[];
  float* smem = reinterpret_cast<float*>(smem4);
  const int tid = threadIdx.x, lane = tid % 32, warp = tid / 32;
  const int ty = 4 * (warp / 2) + lane / 8, tx = 8 * (warp % 2) + lane % 8;
  const int64_t row0 = blockIdx.y * int64_t(Tl::BM), col0 = blockIdx.x * int64_t(Tl::BN);
  for (int64_t z = blockIdx.z; z < batch.count; z += gridDim.z) {
    int64_t oc, oa, ob;
    batch_offsets(batch, z, oc, oa, ob);
    float acc[TR][TR] = {};
    const Operand opa{a.data + oa, a.rs, a.cs, M}, opb{b.data + ob, b.cs, b.rs, N};
    k_loop<Tl, VecA, VecB>(smem, opa, opb, row0, col0, K, [&](const float* As, const float* Bs) {
#pragma unroll
      for (int k = 0; k < BK; ++k) {
        float ra[TR], rb[TR];
#pragma unroll
        for (int h = 0; h < H; ++h) {
          const float4 v = *reinterpret_cast<const float4*>(As + k * Tl::kLdA + 64 * h + ty * 4);
          ra[4 * h] = v.x, ra[4 * h + 1] = v.y, ra[4 * h + 2] = v.z, ra[4 * h + 3] = v.w;
        }
#pragma unroll
        for (int h = 0; h < H; ++h) {
          const float4 v = *reinterpret_cast<const float4*>(Bs + k * Tl::kLdB + 64 * h + tx * 4);
          rb[4 * h] = v.x, rb[4 * h + 1] = v.y, rb[4 * h + 2] = v.z, rb[4 * h + 3] = v.w;
        }
#pragma unroll
        for (int i = 0; i < TR; ++i)
#pragma unroll
          for (int j = 0; j < TR; ++j) acc[i][j] = fmaf(ra[i], rb[j], acc[i][j]);
      }
    });
#pragma unroll
    for (int i = 0; i < TR; ++i) {
      const int64_t gm = row0 + 64 * (i / 4) + ty * 4 + i % 4;
      if (gm >= M) continue;
      float* crow = c.data + oc + gm * c.rs;
#pragma unroll
      for (int h = 0; h < H; ++h) {
        const int64_t gn = col0 + 64 * h + tx * 4;
        if (vec_c && gn + 3 < N) {
          *reinterpret_cast<float4*>(crow + gn) =
              make_float4(acc[i][4 * h], acc[i][4 * h + 1], acc[i][4 * h + 2], acc[i][4 * h + 3]);
        } else {
#pragma unroll
          for (int j = 0; j < 4; ++j)
            if (gn + j < N) crow[(gn + j) * c.cs] = acc[i][4 * h + j];
        }
      }
    }
  }
}

// ------------------------------------------------------------ TF32 (mma.sync)
// Round to nearest (ties away) to TF32; the result is an fp32 bit pattern
// with the low 13 mantissa bits zero.
__device__ __forceinline__ uint32_t to_tf32(float x) {
  uint32_t r;
  asm("cvt.rna.tf32.f32 %0, %1;\n" : "=r"(r) : "f"(x));
  return r;
}

// d += a b for one m16n8k8 tile. With g = lane / 4, t = lane % 4 (PTX ISA,
// "Matrix fragments for mma.m16n8k8", .tf32): a = {A[g][t], A[g+8][t],
// A[g][t+4], A[g+8][t+4]}, b = {B[t][g], B[t+4][g]}, d = {C[g][2t],
// C[g][2t+1], C[g+8][2t], C[g+8][2t+1]}.
__device__ __forceinline__ void mma_tf32(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
  asm volatile(
      "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
      "{%0, %1, %2, %3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// A block tile of 128 x 256 (Tile<128, 256>, 77 KB of shared memory): the 8 warps
// form a 2 x 4 grid; warp (wm, wn) owns the 64 x 64 sub-tile at rows wm*64,
// cols wn*64: 4 x 8 mma tiles of 16 x 8, so 32 mma per 8 of k from 16 + 16
// fragment registers read out of shared memory.
template <bool VecA, bool VecB>
__global__ void __launch_bounds__(kThreads, 1)
    tf32_128x256(Mat<float> c, Mat<const float> a, Mat<const float> b, int64_t M, int64_t N, int64_t K,
                 Batch batch, bool vec_c) {
  using Tl = Tile<128, 256>;
  constexpr int MT = 4, NT = 8;  // mma tiles per warp along m and n
  extern __shared__ float4 smem4[];
  float* smem = reinterpret_cast<float*>(smem4);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, g = lane / 4, t = lane % 4;
  const int wm = warp / 4, wn = warp % 4;
  const int64_t row0 = blockIdx.y * int64_t(Tl::BM), col0 = blockIdx.x * int64_t(Tl::BN);
  for (int64_t z = blockIdx.z; z < batch.count; z += gridDim.z) {
    int64_t oc, oa, ob;
    batch_offsets(batch, z, oc, oa, ob);
    float acc[MT][NT][4] = {};  // [m tile][n tile][fragment]
    const Operand opa{a.data + oa, a.rs, a.cs, M}, opb{b.data + ob, b.cs, b.rs, N};
    k_loop<Tl, VecA, VecB>(smem, opa, opb, row0, col0, K, [&](const float* As, const float* Bs) {
#pragma unroll
      for (int kk = 0; kk < BK; kk += 8) {
        const float* a_lo = As + (kk + t) * Tl::kLdA + wm * 64 + g;  // k = t
        const float* a_hi = a_lo + 4 * Tl::kLdA;                     // k = t + 4
        const float* b_lo = Bs + (kk + t) * Tl::kLdB + wn * 64 + g;
        const float* b_hi = b_lo + 4 * Tl::kLdB;
        uint32_t fa[MT][4], fb[NT][2];
#pragma unroll
        for (int mi = 0; mi < MT; ++mi) {
          fa[mi][0] = to_tf32(a_lo[16 * mi]);
          fa[mi][1] = to_tf32(a_lo[16 * mi + 8]);
          fa[mi][2] = to_tf32(a_hi[16 * mi]);
          fa[mi][3] = to_tf32(a_hi[16 * mi + 8]);
        }
#pragma unroll
        for (int ni = 0; ni < NT; ++ni) fb[ni][0] = to_tf32(b_lo[8 * ni]), fb[ni][1] = to_tf32(b_hi[8 * ni]);
#pragma unroll
        for (int mi = 0; mi < MT; ++mi)
#pragma unroll
          for (int ni = 0; ni < NT; ++ni) mma_tf32(acc[mi][ni], fa[mi], fb[ni]);
      }
    });
#pragma unroll
    for (int mi = 0; mi < MT; ++mi)
#pragma unroll
      for (int half = 0; half < 2; ++half) {  // rows g and g + 8 of the mma tile
        const int64_t gm = row0 + wm * 64 + mi * 16 + g + 8 * half;
        if (gm >= M) continue;
        float* crow = c.data + oc + gm * c.rs;
#pragma unroll
        for (int ni = 0; ni < NT; ++ni) {
          const int64_t gn = col0 + wn * 64 + ni * 8 + 2 * t;
          const float v0 = acc[mi][ni][2 * half], v1 = acc[mi][ni][2 * half + 1];
          if (vec_c && gn + 1 < N) {
            *reinterpret_cast<float2*>(crow + gn) = make_float2(v0, v1);
          } else {
            if (gn < N) crow[gn * c.cs] = v0;
            if (gn + 1 < N) crow[(gn + 1) * c.cs] = v1;
          }
        }
      }
  }
}

}  // namespace nabla::kernels::cuda::gemm::f32
