// Packed f32 GEMM (see sgemm.h). Loop nest of sgemm_packed, outer to inner:
//   jc over n by kSgemmNc, pc over k by kSgemmKc: pack B[pc, jc] into NR-column panels;
//   ic over m by kSgemmMc: pack A[ic, pc] into MR-row panels;
//   jr over the B panels, ir over the A panels: the MR x NR micro-kernel.
// An A block (kSgemmMc x kSgemmKc floats, 144 KiB) stays in L2, one B panel
// (kSgemmKc x NR, 16 KiB) in L1. Edge tiles are zero-padded in the packs and
// computed into a scratch tile, so every tile runs the same arithmetic.
#include "kernels/cpu/sgemm.h"

#include <cmath>
#include <cstring>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace nabla::kernels::cpu {

namespace sgemm_detail {
namespace {

constexpr int64_t kMr = kSgemmMr, kNr = kSgemmNr;  // 12 ymm accumulators + 2 for B + 1 broadcast

#if defined(__AVX2__) && defined(__FMA__)
// Twelve named accumulators (an array of them gets spilled to the stack).
#define NABLA_SGEMM_ROW(r, c0, c1)                       \
  {                                                      \
    const __m256 x = _mm256_broadcast_ss(a + r);         \
    c0 = _mm256_fmadd_ps(x, b0, c0);                     \
    c1 = _mm256_fmadd_ps(x, b1, c1);                     \
  }
#define NABLA_SGEMM_STORE(r, c0, c1)                                         \
  {                                                                          \
    float* row = c + r * ldc;                                                \
    if (add) {                                                               \
      c0 = _mm256_add_ps(_mm256_loadu_ps(row), c0);                          \
      c1 = _mm256_add_ps(_mm256_loadu_ps(row + 8), c1);                      \
    }                                                                        \
    _mm256_storeu_ps(row, c0);                                               \
    _mm256_storeu_ps(row + 8, c1);                                           \
  }
inline __attribute__((always_inline)) void micro_kernel(int64_t kc, const float* a, const float* b, float* c,
                                                         int64_t ldc, bool add) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int64_t l = 0; l < kc; ++l, a += kMr, b += kNr) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    NABLA_SGEMM_ROW(0, c00, c01)
    NABLA_SGEMM_ROW(1, c10, c11)
    NABLA_SGEMM_ROW(2, c20, c21)
    NABLA_SGEMM_ROW(3, c30, c31)
    NABLA_SGEMM_ROW(4, c40, c41)
    NABLA_SGEMM_ROW(5, c50, c51)
  }
  NABLA_SGEMM_STORE(0, c00, c01)
  NABLA_SGEMM_STORE(1, c10, c11)
  NABLA_SGEMM_STORE(2, c20, c21)
  NABLA_SGEMM_STORE(3, c30, c31)
  NABLA_SGEMM_STORE(4, c40, c41)
  NABLA_SGEMM_STORE(5, c50, c51)
}
#undef NABLA_SGEMM_ROW
#undef NABLA_SGEMM_STORE
#else
void micro_kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool add) {
  float acc[kMr][kNr] = {};
  for (int64_t l = 0; l < kc; ++l, a += kMr, b += kNr)
    for (int r = 0; r < kMr; ++r)
      for (int j = 0; j < kNr; ++j) acc[r][j] = std::fma(a[r], b[j], acc[r][j]);
  for (int r = 0; r < kMr; ++r)
    for (int j = 0; j < kNr; ++j) c[r * ldc + j] = add ? c[r * ldc + j] + acc[r][j] : acc[r][j];
}
#endif

}  // namespace

void tile(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t rows, int64_t cols, bool add) {
  if (rows == kMr && cols == kNr) return micro_kernel(kc, a, b, c, ldc, add);
  float scratch[kMr * kNr];
  for (int64_t r = 0; r < rows; ++r) std::copy(c + r * ldc, c + r * ldc + cols, scratch + r * kNr);
  micro_kernel(kc, a, b, scratch, kNr, add);
  for (int64_t r = 0; r < rows; ++r) std::copy(scratch + r * kNr, scratch + r * kNr + cols, c + r * ldc);
}

void zero(float* c, int64_t m, int64_t n, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
}

namespace {
template <int64_t Width>
void copy_rows(float* dst, const float* src, int64_t ls, int64_t kc) {
  for (int64_t l = 0; l < kc; ++l) std::memcpy(dst + l * Width, src + l * ls, Width * sizeof(float));
}
}  // namespace

void pack_strided(float* dst, int64_t width, const float* p, int64_t is, int64_t ls, int64_t i0, int64_t lines,
                  int64_t l0, int64_t kc) {
  const float* src = p + i0 * is + l0 * ls;
  if (is == 1 && lines == width) {  // full panel, lines adjacent: width floats per l (a fixed-size copy)
    if (width == kMr)
      copy_rows<kMr>(dst, src, ls, kc);
    else
      copy_rows<kNr>(dst, src, ls, kc);
    return;
  }
  if (is == 1) {
    for (int64_t l = 0; l < kc; ++l) {
      float* d = dst + l * width;
      std::copy(src + l * ls, src + l * ls + lines, d);
      std::fill(d + lines, d + width, 0.0f);
    }
    return;
  }
  for (int64_t r = 0; r < lines; ++r)  // read along each line
    for (int64_t l = 0; l < kc; ++l) dst[l * width + r] = src[r * is + l * ls];
  for (int64_t r = lines; r < width; ++r)
    for (int64_t l = 0; l < kc; ++l) dst[l * width + r] = 0.0f;
}

void pack_block_a(float* dst, const float* p, int64_t is, int64_t ls, int64_t i0, int64_t rows, int64_t l0,
                  int64_t kc) {
  for (int64_t i = 0; i < rows; i += kMr, dst += kc * kMr)
    pack_strided(dst, kMr, p, is, ls, i0 + i, std::min(kMr, rows - i), l0, kc);
}

}  // namespace sgemm_detail

void sgemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs,
           int64_t bcs, float* c, int64_t ldc, bool accumulate) {
  using sgemm_detail::pack_strided;
  sgemm_packed(
      m, n, k,
      [&](float* dst, int64_t i0, int64_t rows, int64_t l0, int64_t kc) {
        sgemm_detail::pack_block_a(dst, a, ars, acs, i0, rows, l0, kc);
        return dst;
      },
      [&](float* dst, int64_t j0, int64_t cols, int64_t l0, int64_t kc) {
        pack_strided(dst, kSgemmNr, b, bcs, brs, j0, cols, l0, kc);
      },
      c, ldc, accumulate);
}

}  // namespace nabla::kernels::cpu
