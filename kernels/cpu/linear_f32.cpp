// linear_f32 (see kernels/linear_f32.h): the packed SGEMM with packing
// functions for strided operands, split over column blocks (row blocks when
// there are too few columns) across OpenMP threads.
#include "kernels/linear_f32.h"

#include <omp.h>

#include <algorithm>
#include <cstdint>

#include "kernels/cpu/sgemm.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace nabla::kernels::cpu {

namespace {

// Least multiply-adds per thread's share of a product: below it a parallel
// region (a futex wake-up of a sleeping thread under the passive wait
// policy) costs more than it saves (bench/RESULTS.md, "MLP steps").
constexpr int64_t kShareMacs = int64_t(1) << 20;

#if defined(__AVX2__)
// r[q] = column q of the 8 x 8 matrix whose rows were r[0..7].
inline void transpose8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
  r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
  r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
  r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
  r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
  r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
  r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}
#endif

// dst[l W + r] = src[r is + l] for r < W, l < kc (W full lines, each
// contiguous in l): 8 x 8 register transposes, the tail element by element.
template <int W>
void pack_transposed(float* dst, const float* src, int64_t is, int64_t kc) {
  int64_t l = 0;
#if defined(__AVX2__)
  const __m256i six = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, 0, 0);
  for (; l + 8 <= kc; l += 8) {
    for (int g = 0; g < W; g += 8) {
      __m256 r[8];
      for (int q = 0; q < 8; ++q) r[q] = _mm256_loadu_ps(src + std::min(g + q, W - 1) * is + l);
      transpose8(r);
      for (int q = 0; q < 8; ++q) {
        float* d = dst + (l + q) * W + g;
        if (W - g >= 8)
          _mm256_storeu_ps(d, r[q]);
        else
          _mm256_maskstore_ps(d, six, r[q]);  // W = 6: lanes 6 and 7 are copies of line 5
      }
    }
  }
#endif
  for (; l < kc; ++l)
    for (int r = 0; r < W; ++r) dst[l * W + r] = src[r * is + l];
}

// The packing of W lines of a strided operand M(i, l) = p[i is + l ls]
// (sgemm_detail::pack_strided), with a transposing fast path for lines that
// are contiguous in l (row-major A, or B = w^T of a row-major w).
template <int W>
void pack_lines(float* dst, const float* p, int64_t is, int64_t ls, int64_t i0, int64_t lines, int64_t l0,
                int64_t kc) {
  static_assert(W == kSgemmMr || W == kSgemmNr);
  if (ls == 1 && is != 1 && lines == W) return pack_transposed<W>(dst, p + i0 * is + l0, is, kc);
  sgemm_detail::pack_strided(dst, W, p, is, ls, i0, lines, l0, kc);
}

// out[r0 : r0 + rows, c0 : c0 + cols] = x w^T (+ bias) for those rows and columns.
void block(View<float> out, View<const float> x, View<const float> w, View<const float> bias, int64_t r0,
           int64_t rows, int64_t c0, int64_t cols) {
  const int64_t k = x.size[1], ldc = out.stride[0];
  float* c = out.data + r0 * ldc + c0;
  const auto pack_a = [&](float* dst, int64_t i0, int64_t n, int64_t l0, int64_t kc) {
    for (int64_t i = 0; i < n; i += kSgemmMr)
      pack_lines<kSgemmMr>(dst + i * kc, x.data, x.stride[0], x.stride[1], r0 + i0 + i, std::min(kSgemmMr, n - i),
                           l0, kc);
    return dst;
  };
  const auto pack_b = [&](float* dst, int64_t j0, int64_t n, int64_t l0, int64_t kc) {
    pack_lines<kSgemmNr>(dst, w.data, w.stride[0], w.stride[1], c0 + j0, n, l0, kc);
  };
  sgemm_packed(rows, cols, k, pack_a, pack_b, c, ldc, false);
  if (!bias.data) return;
  for (int64_t i = 0; i < rows; ++i) {
    float* row = c + i * ldc;
    const float* b = bias.data + c0 * bias.stride[0];
    if (bias.stride[0] == 1) {
      for (int64_t j = 0; j < cols; ++j) row[j] += b[j];
    } else {
      for (int64_t j = 0; j < cols; ++j) row[j] += b[j * bias.stride[0]];
    }
  }
}

}  // namespace

void linear_f32(View<float> out, View<const float> x, View<const float> w, View<const float> bias) {
  const int64_t m = out.size[0], n = out.size[1], k = x.size[1];
  if (m == 0 || n == 0) return;
  const int64_t col_panels = (n + kSgemmNr - 1) / kSgemmNr, row_panels = (m + kSgemmMr - 1) / kSgemmMr;
  const bool by_cols = col_panels >= 2;
  int64_t pieces = std::min<int64_t>(omp_get_max_threads(), m * n * std::max<int64_t>(k, 1) / kShareMacs);
  pieces = std::clamp<int64_t>(pieces, 1, by_cols ? col_panels : row_panels);
  const int64_t panels = by_cols ? col_panels : row_panels, width = by_cols ? kSgemmNr : kSgemmMr;
  const int64_t extent = by_cols ? n : m;
#pragma omp parallel for if (pieces > 1) schedule(static)
  for (int64_t p = 0; p < pieces; ++p) {
    const int64_t lo = std::min(extent, p * panels / pieces * width);
    const int64_t hi = std::min(extent, (p + 1) * panels / pieces * width);
    if (by_cols)
      block(out, x, w, bias, 0, m, lo, hi - lo);
    else
      block(out, x, w, bias, lo, hi - lo, 0, n);
  }
}

}  // namespace nabla::kernels::cpu
