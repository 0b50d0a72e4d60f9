#pragma once
// The steps of the CUDA symmetric eigensolver (kernels/cuda/eigh.cu): the
// parallel cyclic Jacobi method (Golub & Van Loan, Matrix Computations, 4th
// ed., sections 8.5.2-8.5.5) with the round-robin ("circle") ordering of
// Brent & Luk (1985), where each round rotates n/2 disjoint index pairs at
// once, so that one CUDA block applies them together.
//
// Each step is a plain function of (t, nt): thread t of nt does its share
// and writes memory no other thread of the step reads or writes. The kernel
// runs the steps between __syncthreads(); tests/kernels/jacobi_test.cpp
// replays them thread by thread on the CPU, which checks the arithmetic and
// the ordering without a GPU. No CUDA include: this is also plain C++.
//
// All work is in double (as kernels/cpu/eigh.cpp): per matrix, A and V are
// n x n row-major and rot holds (c, s) of each pair of the round.
#include <cmath>
#include <cstdint>

#ifdef __CUDACC__
#define NABLA_HD __host__ __device__
#else
#define NABLA_HD
#endif

namespace nabla::kernels::jacobi {

struct Work {
  double* a;    // the matrix being diagonalised, n x n
  double* v;    // the accumulated rotations, n x n: A0 = V A V^T
  double* rot;  // (c, s) per pair of the current round
  int64_t n;
};

// Index count made even: an odd n gets a dummy index n whose pairs are skipped.
NABLA_HD inline int64_t padded(int64_t n) { return n + (n & 1); }
NABLA_HD inline int64_t pairs(int64_t n) { return padded(n) / 2; }
// Rounds per sweep: every pair (p, q), p < q < padded(n), meets exactly once.
NABLA_HD inline int64_t rounds(int64_t n) { return padded(n) - 1; }
// Doubles of scratch per matrix: A, V and the rotations.
NABLA_HD inline int64_t work_size(int64_t n) { return 2 * n * n + 2 * pairs(n); }

// Pair k of round r by the circle method on m = padded(n) indices: m - 1
// stays fixed, the others sit on a circle that turns by one each round;
// pair 0 is (r, m - 1), pair k > 0 is (r + k, r - k) mod (m - 1).
// Returned with p < q.
NABLA_HD inline void pair_of(int64_t n, int64_t r, int64_t k, int64_t& p, int64_t& q) {
  const int64_t c = padded(n) - 1;
  const int64_t i = k == 0 ? r : (r + k) % c;
  const int64_t j = k == 0 ? c : (r - k + c) % c;
  p = i < j ? i : j;
  q = i < j ? j : i;
}

// A = the symmetric matrix whose lower triangle is in's (strides rs, cs); V = I.
template <class T>
NABLA_HD void load(const Work& w, const T* in, int64_t rs, int64_t cs, int64_t t, int64_t nt) {
  const int64_t n = w.n;
  for (int64_t e = t; e < n * n; e += nt) {
    const int64_t i = e / n, j = e % n;
    w.a[e] = static_cast<double>(i >= j ? in[i * rs + j * cs] : in[j * rs + i * cs]);
    w.v[e] = i == j ? 1.0 : 0.0;
  }
}

// This thread's share of the sums of squares: off-diagonal and all entries.
NABLA_HD inline void squares(const Work& w, int64_t t, int64_t nt, double& off, double& all) {
  off = 0, all = 0;
  for (int64_t e = t; e < w.n * w.n; e += nt) {
    const double x = w.a[e] * w.a[e];
    all += x;
    if (e / w.n != e % w.n) off += x;
  }
}

// The rotation J (J_pp = J_qq = c, J_pq = s, J_qp = -s) that makes
// (J^T A J)_pq = 0, GVL Algorithm 8.5.1 (symSchur2):
//   tau = (a_qq - a_pp) / (2 a_pq), t = sign(tau) / (|tau| + sqrt(1 + tau^2)),
//   c = 1 / sqrt(1 + t^2), s = t c.
// An a_pq negligible beside both diagonal entries (Numerical Recipes'
// test, 100 |a_pq| lost in their sums) is not rotated but set to zero.
NABLA_HD inline void rotations(const Work& w, int64_t r, int64_t t, int64_t nt) {
  const int64_t n = w.n;
  for (int64_t k = t; k < pairs(n); k += nt) {
    int64_t p, q;
    pair_of(n, r, k, p, q);
    double c = 1, s = 0;
    if (q < n) {
      const double apq = w.a[p * n + q], app = w.a[p * n + p], aqq = w.a[q * n + q];
      const double g = 100 * std::fabs(apq);
      const bool negligible = std::fabs(app) + g == std::fabs(app) && std::fabs(aqq) + g == std::fabs(aqq);
      if (apq != 0 && !negligible) {
        const double tau = (aqq - app) / (2 * apq);
        const double tt = (tau >= 0 ? 1.0 : -1.0) / (std::fabs(tau) + std::hypot(1.0, tau));
        c = 1 / std::sqrt(1 + tt * tt);
        s = tt * c;
      }
    }
    w.rot[2 * k] = c;
    w.rot[2 * k + 1] = s;
  }
}

// A = J^T A: rows p' = c p - s q, q' = s p + c q for every pair; one thread
// per (pair, column).
NABLA_HD inline void rotate_rows(const Work& w, int64_t r, int64_t t, int64_t nt) {
  const int64_t n = w.n;
  for (int64_t e = t; e < pairs(n) * n; e += nt) {
    const int64_t k = e / n, j = e % n;
    int64_t p, q;
    pair_of(n, r, k, p, q);
    const double c = w.rot[2 * k], s = w.rot[2 * k + 1];
    if (q >= n || s == 0) continue;
    const double x = w.a[p * n + j], y = w.a[q * n + j];
    w.a[p * n + j] = c * x - s * y;
    w.a[q * n + j] = s * x + c * y;
  }
}

// A = A J and V = V J: columns p' = c p - s q, q' = s p + c q; one thread
// per (pair, row). The rotated entries a_pq, a_qp (zero in exact
// arithmetic) are set to zero, as are the negligible ones left unrotated.
NABLA_HD inline void rotate_columns(const Work& w, int64_t r, int64_t t, int64_t nt) {
  const int64_t n = w.n;
  for (int64_t e = t; e < pairs(n) * n; e += nt) {
    const int64_t k = e / n, i = e % n;
    int64_t p, q;
    pair_of(n, r, k, p, q);
    if (q >= n) continue;
    const double c = w.rot[2 * k], s = w.rot[2 * k + 1];
    if (s != 0) {
      const double x = w.a[i * n + p], y = w.a[i * n + q];
      w.a[i * n + p] = c * x - s * y;
      w.a[i * n + q] = s * x + c * y;
      const double vx = w.v[i * n + p], vy = w.v[i * n + q];
      w.v[i * n + p] = c * vx - s * vy;
      w.v[i * n + q] = s * vx + c * vy;
    }
    if (i == p) w.a[p * n + q] = 0;
    if (i == q) w.a[q * n + p] = 0;
  }
}

// Strict total order on (value, index): ascending, NaN last, ties by index,
// so that the ranks below are a permutation even for NaN or repeated values.
NABLA_HD inline bool before(double x, int64_t i, double y, int64_t j) {
  if (std::isnan(x) || std::isnan(y)) return std::isnan(x) == std::isnan(y) ? i < j : std::isnan(y);
  return x < y || (x == y && i < j);
}

// values[rank(i)] = a_ii and column rank(i) of vectors = column i of V, rank
// by ascending eigenvalue; one thread per eigenpair.
template <class T>
NABLA_HD void store(const Work& w, T* values, int64_t ws, T* vectors, int64_t vrs, int64_t vcs, int64_t t,
                    int64_t nt) {
  const int64_t n = w.n;
  for (int64_t i = t; i < n; i += nt) {
    const double d = w.a[i * n + i];
    int64_t rank = 0;
    for (int64_t j = 0; j < n; ++j) rank += before(w.a[j * n + j], j, d, i);
    values[rank * ws] = static_cast<T>(d);
    for (int64_t row = 0; row < n; ++row) vectors[row * vrs + rank * vcs] = static_cast<T>(w.v[row * n + i]);
  }
}

// Sweeps at most; Jacobi converges quadratically, ~6-10 sweeps in double.
inline constexpr int kMaxSweeps = 40;

// Converged when the off-diagonal part is below machine epsilon relative to
// the whole: off(A)^2 <= eps^2 ||A0||_F^2 (GVL 8.5.2's stopping test).
NABLA_HD inline bool converged(double off, double all) {
  const double eps = 2.220446049250313e-16;  // DBL_EPSILON
  return off <= eps * eps * all;
}

}  // namespace nabla::kernels::jacobi
