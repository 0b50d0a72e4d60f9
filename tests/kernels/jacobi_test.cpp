// The CUDA eigensolver's steps (kernels/cuda/jacobi_steps.h) replayed on the
// CPU in the order the kernel runs them, thread by thread for a small block
// (the barriers become the ends of the replay loops): its arithmetic and
// round-robin ordering are checked here without a GPU, against the CPU
// eigh (Eigen) and by reconstruction.
#include "kernels/cuda/jacobi_steps.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "kernels/eigh.h"

namespace nabla::kernels {
namespace {

template <class T>
View<T> make_view(T* data, int64_t n) {  // [n]
  View<T> v{data, 1};
  v.size[0] = n, v.stride[0] = 1;
  return v;
}
template <class T>
View<T> make_view2(T* data, int64_t n) {  // [n, n], row-major
  View<T> v{data, 2};
  v.size[0] = v.size[1] = n, v.stride[0] = n, v.stride[1] = 1;
  return v;
}

// Eigen's eigh of one n x n matrix.
void reference(const std::vector<double>& a, int64_t n, std::vector<double>& values, std::vector<double>& vectors) {
  values.assign(n, 0);
  vectors.assign(n * n, 0);
  cpu::eigh<double>(make_view(values.data(), n), make_view2(vectors.data(), n),
                    make_view2<const double>(a.data(), n));
}

// One matrix through the kernel's sequence of steps with nt threads; returns
// the sweeps run.
int replay(const std::vector<double>& a, int64_t n, std::vector<double>& values, std::vector<double>& vectors,
           int64_t nt) {
  std::vector<double> scratch(jacobi::work_size(n));
  const jacobi::Work w{scratch.data(), scratch.data() + n * n, scratch.data() + 2 * n * n, n};
  auto each = [&](auto step) {
    for (int64_t t = 0; t < nt; ++t) step(t);
  };
  each([&](int64_t t) { jacobi::load(w, a.data(), n, 1, t, nt); });
  double all = 0;  // the kernel reduces the per-thread sums in a fixed tree; the order does not matter here
  each([&](int64_t t) {
    double o, s;
    jacobi::squares(w, t, nt, o, s);
    all += s;
  });
  int sweep = 0;
  for (; sweep < jacobi::kMaxSweeps; ++sweep) {
    double off = 0;
    each([&](int64_t t) {
      double o, s;
      jacobi::squares(w, t, nt, o, s);
      off += o;
    });
    if (jacobi::converged(off, all)) break;
    for (int64_t r = 0; r < jacobi::rounds(n); ++r) {
      each([&](int64_t t) { jacobi::rotations(w, r, t, nt); });
      each([&](int64_t t) { jacobi::rotate_rows(w, r, t, nt); });
      each([&](int64_t t) { jacobi::rotate_columns(w, r, t, nt); });
    }
  }
  values.assign(n, -1);
  vectors.assign(n * n, -1);
  each([&](int64_t t) { jacobi::store(w, values.data(), 1, vectors.data(), n, 1, t, nt); });
  return sweep;
}

// Checks values against Eigen's and vectors by V^T V = I and V diag(values) V^T = A.
void check(const std::vector<double>& a, int64_t n, int64_t nt = 5) {
  std::vector<double> values, vectors, ref_values, ref_vectors;
  const int sweeps = replay(a, n, values, vectors, nt);
  EXPECT_LT(sweeps, jacobi::kMaxSweeps) << "n=" << n;
  reference(a, n, ref_values, ref_vectors);
  double scale = 1e-300;
  for (double x : a) scale = std::max(scale, std::abs(x));
  const double tol = 1e-12 * scale * n;
  for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(values[i], ref_values[i], tol) << "n=" << n << " i=" << i;
  for (int64_t i = 1; i < n; ++i) EXPECT_LE(values[i - 1], values[i]);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double vtv = 0, rec = 0;
      for (int64_t k = 0; k < n; ++k) {
        vtv += vectors[k * n + i] * vectors[k * n + j];
        rec += vectors[i * n + k] * values[k] * vectors[j * n + k];
      }
      EXPECT_NEAR(vtv, i == j ? 1.0 : 0.0, 1e-12 * n) << "V^T V at " << i << "," << j;
      EXPECT_NEAR(rec, a[std::max(i, j) * n + std::min(i, j)], tol) << "V diag V^T at " << i << "," << j;
    }
}

std::vector<double> random_symmetric(int64_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> a(n * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j <= i; ++j) a[i * n + j] = a[j * n + i] = normal(gen);
  return a;
}

TEST(JacobiSteps, RoundsMeetEveryPairOnce) {
  for (int64_t n : {1, 2, 3, 4, 7, 8}) {
    std::set<std::pair<int64_t, int64_t>> seen;
    for (int64_t r = 0; r < jacobi::rounds(n); ++r) {
      std::set<int64_t> used;  // the pairs of a round are disjoint
      for (int64_t k = 0; k < jacobi::pairs(n); ++k) {
        int64_t p, q;
        jacobi::pair_of(n, r, k, p, q);
        EXPECT_LT(p, q);
        EXPECT_TRUE(used.insert(p).second && used.insert(q).second) << "n=" << n << " r=" << r;
        EXPECT_TRUE(seen.insert({p, q}).second) << "n=" << n << " pair " << p << "," << q << " twice";
      }
    }
    const int64_t m = jacobi::padded(n);
    EXPECT_EQ(static_cast<int64_t>(seen.size()), m * (m - 1) / 2) << "n=" << n;
  }
}

TEST(JacobiSteps, RandomSymmetricMatchesEigen) {
  for (int64_t n : {2, 3, 5, 8, 13}) check(random_symmetric(n, 10 + n), n);
  check(random_symmetric(16, 3), 16, 64);  // more threads than work items
}

TEST(JacobiSteps, OneByOneAndDiagonal) {
  check({-2.5}, 1);
  check({3, 0, 0, 0, -1, 0, 0, 0, 2}, 3);
  std::vector<double> values, vectors;
  EXPECT_EQ(replay({3, 0, 0, 0, -1, 0, 0, 0, 2}, 3, values, vectors, 4), 0);  // already diagonal: no sweep
  EXPECT_EQ(values, (std::vector<double>{-1, 2, 3}));
  EXPECT_EQ(vectors, (std::vector<double>{0, 0, 1, 1, 0, 0, 0, 1, 0}));  // columns permuted like the values
}

TEST(JacobiSteps, RepeatedEigenvalues) {
  // Q diag(1, 1, 1, 4, 4) Q^T with Q a random rotation (Eigen's eigenvectors of a random matrix).
  const int64_t n = 5;
  std::vector<double> w, q;
  reference(random_symmetric(n, 7), n, w, q);
  const double d[] = {1, 1, 1, 4, 4};
  std::vector<double> a(n * n, 0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t k = 0; k < n; ++k) a[i * n + j] += q[i * n + k] * d[k] * q[j * n + k];
  check(a, n, 3);
  check(std::vector<double>(16, 0.0), 4);  // zero matrix: all eigenvalues 0
}

}  // namespace
}  // namespace nabla::kernels
