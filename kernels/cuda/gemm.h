#pragma once
// Our GEMM, for matmul (kernels/cuda/linalg.cu) and conv's im2col path
// (kernels/cuda/conv.cu): C = A B with C [M, N], A [M, K], B [K, N], each
// given by a pointer and two strides (any layout: transposed views need no
// copy), batched over up to 6 dims. Run by kernels/cuda/gemm.cu:
//   float   gemm_f32.cuh: sgemm (exact fp32, tile by shape: sgemm_tile) or,
//           tf32 true, tf32_128x256 (TF32 tensor cores)
//   double  gemm.cuh's gemm_tiled (64 x 64)
// Plain structs and host functions only: includable by host code and tests.
#include <cstdint>

namespace nabla::kernels::cuda::gemm {

template <class T>
struct Mat {
  T* data;
  int64_t rs, cs;  // row and column strides in elements
};

// Per-batch offsets: batch index z is row-major over `ndim` dims of size
// `size`; each matrix has its own batch strides.
struct Batch {
  int ndim = 0;
  int64_t count = 1;
  int64_t size[6] = {};
  int64_t stride_c[6] = {}, stride_a[6] = {}, stride_b[6] = {};
};

// The grid's z extent: the kernels loop over batch entries past it.
inline int64_t grid_z(int64_t count) { return count < 65535 ? count : 65535; }

// Thread blocks of a bm x bn tiling of C [M, N] over `count` batch entries.
inline int64_t blocks(int64_t M, int64_t N, int64_t count, int bm, int bn) {
  return (M + bm - 1) / bm * ((N + bn - 1) / bn) * grid_z(count);
}

// The exact fp32 kernel's square tile (128 or 64) for C [M, N] x `count` on
// a device with `sms` multiprocessors: 128 unless that gives fewer blocks
// than SMs (most SMs idle), then 64, which gives ~4x the blocks (e.g.
// 64 x 784: 7 blocks of 128, 13 of 64; an H100 has 132 SMs).
inline int sgemm_tile(int64_t M, int64_t N, int64_t count, int sms) {
  return blocks(M, N, count, 128, 128) < sms ? 64 : 128;
}

// C = A B (see the top of the file) on the stream of `device`. tf32 selects
// the tensor-core kernel for float; double ignores it. Empty M, N or batch:
// nothing; K = 0: C = 0.
template <class T>
void run(Mat<T> c, Mat<const T> a, Mat<const T> b, int64_t M, int64_t N, int64_t K, const Batch& batch, bool tf32,
         int device);

}  // namespace nabla::kernels::cuda::gemm
