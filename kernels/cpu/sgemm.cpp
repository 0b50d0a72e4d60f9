// Packed f32 GEMM (see sgemm.h). Loop nest, outer to inner:
//   jc over n by kNc, pc over k by kSgemmKc: pack B[pc, jc] into NR-column panels;
//   ic over m by kMc: pack A[ic, pc] into MR-row panels;
//   jr over the B panels, ir over the A panels: the MR x NR micro-kernel.
// An A block (kMc x kSgemmKc floats, 144 KiB) stays in L2, one B panel
// (kSgemmKc x NR, 16 KiB) in L1. Edge tiles are zero-padded in the packs and
// computed into a scratch tile, so every tile runs the same arithmetic.
#include "kernels/cpu/sgemm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace nabla::kernels::cpu {

namespace {

constexpr int64_t kMr = 6, kNr = 16;  // 12 ymm accumulators + 2 for B + 1 broadcast
constexpr int64_t kMc = 144, kNc = 3072;

// dst[p][l][r] = A(i0 + p MR + r, l0 + l), rows past m as zeros.
void pack_a(float* dst, const float* a, int64_t ars, int64_t acs, int64_t mc, int64_t kc) {
  for (int64_t i = 0; i < mc; i += kMr, dst += kc * kMr) {
    const int64_t rows = std::min(kMr, mc - i);
    const float* src = a + i * ars;
    if (acs == 1) {  // rows contiguous: read each row along l
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t l = 0; l < kc; ++l) dst[l * kMr + r] = src[r * ars + l];
      for (int64_t r = rows; r < kMr; ++r)
        for (int64_t l = 0; l < kc; ++l) dst[l * kMr + r] = 0.0f;
    } else {
      for (int64_t l = 0; l < kc; ++l) {
        float* d = dst + l * kMr;
        for (int64_t r = 0; r < rows; ++r) d[r] = src[r * ars + l * acs];
        for (int64_t r = rows; r < kMr; ++r) d[r] = 0.0f;
      }
    }
  }
}

// dst[q][l][j] = B(l0 + l, j0 + q NR + j), columns past n as zeros.
void pack_b(float* dst, const float* b, int64_t brs, int64_t bcs, int64_t kc, int64_t nc) {
  for (int64_t j = 0; j < nc; j += kNr, dst += kc * kNr) {
    const int64_t cols = std::min(kNr, nc - j);
    const float* src = b + j * bcs;
    if (bcs == 1) {  // rows of B contiguous: NR floats per l
      for (int64_t l = 0; l < kc; ++l) {
        float* d = dst + l * kNr;
        std::copy(src + l * brs, src + l * brs + cols, d);
        std::fill(d + cols, d + kNr, 0.0f);
      }
    } else {  // columns of B contiguous when brs == 1: read along l
      for (int64_t c = 0; c < cols; ++c)
        for (int64_t l = 0; l < kc; ++l) dst[l * kNr + c] = src[c * bcs + l * brs];
      for (int64_t c = cols; c < kNr; ++c)
        for (int64_t l = 0; l < kc; ++l) dst[l * kNr + c] = 0.0f;
    }
  }
}

#if defined(__AVX2__) && defined(__FMA__)
// c[MR x NR] = (add ? c : 0) + sum_l a[l][.] b[l][.], the sum in order of l.
void micro_kernel(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, bool add) {
  __m256 acc[kMr][2];
  for (int r = 0; r < kMr; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int64_t l = 0; l < kc; ++l, a += kMr, b += kNr) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    for (int r = 0; r < kMr; ++r) {
      const __m256 x = _mm256_broadcast_ss(a + r);
      acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
    }
  }
  for (int r = 0; r < kMr; ++r) {
    float* row = c + r * ldc;
    if (add) {
      acc[r][0] = _mm256_add_ps(_mm256_loadu_ps(row), acc[r][0]);
      acc[r][1] = _mm256_add_ps(_mm256_loadu_ps(row + 8), acc[r][1]);
    }
    _mm256_storeu_ps(row, acc[r][0]);
    _mm256_storeu_ps(row + 8, acc[r][1]);
  }
}
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

// One tile of C, full or at an edge (rows x cols of it valid).
void tile(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t rows, int64_t cols, bool add) {
  if (rows == kMr && cols == kNr) return micro_kernel(kc, a, b, c, ldc, add);
  float scratch[kMr * kNr];
  for (int64_t r = 0; r < rows; ++r) std::copy(c + r * ldc, c + r * ldc + cols, scratch + r * kNr);
  micro_kernel(kc, a, b, scratch, kNr, add);
  for (int64_t r = 0; r < rows; ++r) std::copy(scratch + r * kNr, scratch + r * kNr + cols, c + r * ldc);
}

struct Buffers {
  std::vector<float> a, b;
};
Buffers& buffers() {
  thread_local Buffers buf;
  return buf;
}

}  // namespace

void sgemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs,
           int64_t bcs, float* c, int64_t ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    return;
  }
  Buffers& buf = buffers();
  const int64_t kc_max = std::min(k, kSgemmKc);
  buf.a.resize(static_cast<size_t>((std::min(m, kMc) + kMr - 1) / kMr * kMr * kc_max));
  buf.b.resize(static_cast<size_t>((std::min(n, kNc) + kNr - 1) / kNr * kNr * kc_max));
  for (int64_t jc = 0; jc < n; jc += kNc) {
    const int64_t nc = std::min(kNc, n - jc);
    for (int64_t pc = 0; pc < k; pc += kSgemmKc) {
      const int64_t kc = std::min(kSgemmKc, k - pc);
      const bool add = accumulate || pc > 0;
      pack_b(buf.b.data(), b + pc * brs + jc * bcs, brs, bcs, kc, nc);
      for (int64_t ic = 0; ic < m; ic += kMc) {
        const int64_t mc = std::min(kMc, m - ic);
        pack_a(buf.a.data(), a + ic * ars + pc * acs, ars, acs, mc, kc);
        for (int64_t jr = 0; jr < nc; jr += kNr)
          for (int64_t ir = 0; ir < mc; ir += kMr)
            tile(kc, buf.a.data() + ir * kc, buf.b.data() + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc,
                 std::min(kMr, mc - ir), std::min(kNr, nc - jr), add);
      }
    }
  }
}

}  // namespace nabla::kernels::cpu
