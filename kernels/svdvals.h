#pragma once
// Batched singular values on strided views by one-sided Jacobi (Hestenes
// 1958; Demmel & Veselic 1992, "Jacobi's method is more accurate than QR"):
// the r = min(m, k) columns of a[..., m, k] (its rows when k > m) are
// orthogonalised by plane rotations until every pair (p, q) satisfies
// |a_p . a_q| <= jacobi_tolerance(n) |a_p| |a_q| (n the vectors' length,
// at most kMaxSweeps sweeps; all arithmetic in double, for f32 input too);
// the singular values are then the vectors' norms, written descending to
// s[..., r]. Unlike the eigenvalues of a^T a, small singular values keep
// their relative accuracy. Pairs are visited in round-robin order (the circle
// method: r/2 disjoint pairs per round, r - 1 rounds per sweep), the order the
// CUDA kernel (kernels/cuda/svdvals.h, one block per matrix) runs its rounds
// in parallel. The CPU first reduces vectors longer than r to the r x r
// triangle of their QR (fewer flops per rotation); the CUDA kernel rotates
// the long vectors themselves: the same values up to rounding.
#include <cmath>
#include <limits>

#include "kernels/view.h"

namespace nabla::kernels {
inline constexpr int kMaxSweeps = 40;

// The relative size of a dot product below which two vectors of length n
// count as orthogonal: rounding alone leaves sqrt(n) eps (LAPACK's dgesvj
// stops at the same level).
inline double jacobi_tolerance(int64_t n) {
  return std::numeric_limits<double>::epsilon() * std::sqrt(static_cast<double>(n));
}

// The two members (p < q) of pair `k` of round `round` among `players`
// (even) in the circle method: player 0 stays, the others rotate one place
// per round. The one definition of the order, for the CPU loop and the CUDA
// kernel (kernels/cuda/svdvals.cu) alike.
#ifdef __CUDACC__
__host__ __device__
#endif
inline void round_robin_pair(int round, int k, int players, int& p, int& q) {
  const int a = k == 0 ? 0 : (k - 1 + round) % (players - 1) + 1;
  const int b = (players - 2 - k + round) % (players - 1) + 1;  // position players - 1 - k >= 1
  p = a < b ? a : b;
  q = a < b ? b : a;
}

// How a[..., m, k] is read: `batch` matrices of r = min(m, k) vectors of
// length n (its columns when k <= m, else its rows), element i of vector j at
// j * vector_stride + i * element_stride.
struct SvdShape {
  int r;
  int64_t n, vector_stride, element_stride, batch;
};

template <class T>
SvdShape svd_shape(const View<T>& a) {
  const int nd = a.ndim;
  const int64_t m = a.size[nd - 2], k = a.size[nd - 1];
  const bool columns = k <= m;
  SvdShape shape{static_cast<int>(columns ? k : m), columns ? m : k, a.stride[columns ? nd - 1 : nd - 2],
                 a.stride[columns ? nd - 2 : nd - 1], 1};
  for (int d = 0; d < nd - 2; ++d) shape.batch *= a.size[d];
  return shape;
}
}  // namespace nabla::kernels

namespace nabla::kernels::cpu {

template <class T>
void svdvals(View<T> s, View<const T> a);

}  // namespace nabla::kernels::cpu
