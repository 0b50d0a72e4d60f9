#pragma once
// Single-threaded packed f32 GEMM with an AVX2 + FMA register-tile kernel
// (Goto and van de Geijn 2008, "Anatomy of high-performance matrix
// multiplication": pack a KC x NC panel of B and an MC x KC block of A, then
// run an MR x NR micro-kernel over them). Callers split the work across
// threads themselves.
//
// A, B are read through strides: A(i, l) = a[i ars + l acs], B(l, j) =
// b[l brs + j bcs]. C is row-major with leading dimension ldc.
//
// Rounding: each C element is the sum over l in blocks of kSgemmKc, each
// block summed in order from l = 0 (one FMA per term) and then added to C
// (to 0 when accumulate is false, else to C's value). The blocks depend on k
// only, so the bits do not depend on how the caller splits m and n.
#include <cstdint>

namespace nabla::kernels::cpu {

inline constexpr int64_t kSgemmKc = 256;

// C = A B (accumulate false) or C += A B (accumulate true), A m x k, B k x n.
void sgemm(int64_t m, int64_t n, int64_t k, const float* a, int64_t ars, int64_t acs, const float* b, int64_t brs,
           int64_t bcs, float* c, int64_t ldc, bool accumulate);

}  // namespace nabla::kernels::cpu
