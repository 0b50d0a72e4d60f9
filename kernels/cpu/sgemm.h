#pragma once
// Single-threaded packed f32 GEMM with an AVX2 + FMA register-tile kernel
// (Goto and van de Geijn 2008, "Anatomy of high-performance matrix
// multiplication": pack a KC x NC panel of B and an MC x KC block of A, then
// run an MR x NR micro-kernel over them). Callers split the work across
// threads themselves.
//
// Rounding: each C element is the sum over l in blocks of kSgemmKc, each
// block summed in order from l = 0 (one FMA per term) and then added to C
// (the first block to nothing when accumulate is false, else to C's value).
// The blocks depend on k only, so the bits do not depend on how the caller
// splits m and n.
#include <algorithm>
#include <cstdint>
#include <vector>

namespace nabla::kernels::cpu {

inline constexpr int64_t kSgemmKc = 256, kSgemmMr = 6, kSgemmNr = 16, kSgemmMc = 144, kSgemmNc = 3072;

// C = A B (accumulate false) or C += A B (accumulate true), A m x k, B k x n:
// A(i, l) = a[i ars + l acs], B(l, j) = b[l brs + j bcs], C row-major (ldc).
void sgemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs,
           int64_t bcs, float* c, int64_t ldc, bool accumulate);

// The same product with A and B produced by the caller's packing functions
// (an implicit GEMM: e.g. B gathered from an image instead of a stored
// im2col matrix):
//   pack_a(dst, i0, rows, l0, kc): rows <= kSgemmMc rows of A as panels of kSgemmMr, panel p at dst + p kc kSgemmMr:
//     dst[p kc kSgemmMr + l kSgemmMr + r] = A(i0 + p kSgemmMr + r, l0 + l), zero rows past `rows`;
//     returns dst, or where such a block already lies (PackedA);
//   pack_b(dst, j0, cols, l0, kc): dst[l kSgemmNr + j] = B(l0 + l, j0 + j) for j < cols, 0 for cols <= j < kSgemmNr;
// for l < kc.
template <class PackA, class PackB>
void sgemm_packed(int64_t m, int64_t n, int64_t k, PackA&& pack_a, PackB&& pack_b, float* c, int64_t ldc,
                  bool accumulate);

// A packed once for several products (e.g. a weight against each block of
// images): the blocks pack_a makes, (ic, pc) at data + pc mpad + ic kc.
struct PackedA {
  std::vector<float> data;
  int64_t mpad = 0;  // m rounded up to kSgemmMr
  // A pack_a for sgemm_packed.
  auto packer() const {
    return [this](float*, int64_t ic, int64_t, int64_t pc, int64_t kc) { return data.data() + pc * mpad + ic * kc; };
  }
};
// pack_a(dst, i0, rows, l0, kc) as for sgemm_packed (its return value unused).
template <class PackA>
PackedA prepack_a(int64_t m, int64_t k, PackA&& pack_a) {
  PackedA p;
  p.mpad = (m + kSgemmMr - 1) / kSgemmMr * kSgemmMr;
  p.data.resize(static_cast<size_t>(p.mpad * k));
  for (int64_t pc = 0; pc < k; pc += kSgemmKc)
    for (int64_t ic = 0; ic < m; ic += kSgemmMc)
      pack_a(p.data.data() + pc * p.mpad + ic * std::min(kSgemmKc, k - pc), ic, std::min(kSgemmMc, m - ic), pc,
             std::min(kSgemmKc, k - pc));
  return p;
}

// Implementation details of sgemm_packed.
namespace sgemm_detail {
// c[rows x cols] = (add ? c : 0) + sum_l a[l][.] b[l][.] over one packed MR x NR tile.
void tile(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t rows, int64_t cols, bool add);
void zero(float* c, int64_t m, int64_t n, int64_t ldc);
// dst[l width + r] = M(i0 + r, l0 + l) for r < lines (zeros up to width), where M(i, l) = p[i is + l ls]:
// the packing of a strided operand (lines: the rows of A, the columns of B).
void pack_strided(float* dst, int64_t width, const float* p, int64_t is, int64_t ls, int64_t i0, int64_t lines,
                  int64_t l0, int64_t kc);
// pack_a of a strided A (A(i, l) = p[i is + l ls]).
void pack_block_a(float* dst, const float* p, int64_t is, int64_t ls, int64_t i0, int64_t rows, int64_t l0, int64_t kc);
struct Buffers {
  std::vector<float> a, b;
};
inline Buffers& buffers() {
  thread_local Buffers buf;
  return buf;
}
}  // namespace sgemm_detail

template <class PackA, class PackB>
void sgemm_packed(int64_t m, int64_t n, int64_t k, PackA&& pack_a, PackB&& pack_b, float* c, int64_t ldc,
                  bool accumulate) {
  using namespace sgemm_detail;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) zero(c, m, n, ldc);
    return;
  }
  constexpr int64_t Mr = kSgemmMr, Nr = kSgemmNr;
  Buffers& buf = buffers();
  const int64_t kc_max = std::min(k, kSgemmKc);
  buf.a.resize(static_cast<size_t>((std::min(m, kSgemmMc) + Mr - 1) / Mr * Mr * kc_max));
  buf.b.resize(static_cast<size_t>((std::min(n, kSgemmNc) + Nr - 1) / Nr * Nr * kc_max));
  for (int64_t jc = 0; jc < n; jc += kSgemmNc) {
    const int64_t nc = std::min(kSgemmNc, n - jc);
    for (int64_t pc = 0; pc < k; pc += kSgemmKc) {
      const int64_t kc = std::min(kSgemmKc, k - pc);
      for (int64_t j = 0; j < nc; j += Nr) pack_b(buf.b.data() + j * kc, jc + j, std::min(Nr, nc - j), pc, kc);
      for (int64_t ic = 0; ic < m; ic += kSgemmMc) {
        const int64_t mc = std::min(kSgemmMc, m - ic);
        const float* ap = pack_a(buf.a.data(), ic, mc, pc, kc);
        for (int64_t jr = 0; jr < nc; jr += Nr)
          for (int64_t ir = 0; ir < mc; ir += Mr)
            tile(kc, ap + ir * kc, buf.b.data() + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc,
                 std::min(Mr, mc - ir), std::min(Nr, nc - jr), accumulate || pc > 0);
      }
    }
  }
}

}  // namespace nabla::kernels::cpu
