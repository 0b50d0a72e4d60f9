// prim::slogdet and prim::inv: determinants of matrices with known
// eigenvalues, permuted triangular matrices, singular and ill-conditioned
// (Hilbert) matrices, 1x1 and empty matrices, batches, strided inputs.
#include "core/det.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/eigh.h"
#include "core/elementwise.h"
#include "core/factory.h"
#include "core/linalg.h"
#include "core/random.h"
#include "core/views.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;

// A random orthogonal [n, n]: the eigenvectors of a random symmetric matrix.
Tensor random_orthogonal(int64_t n, uint64_t seed) {
  Generator gen(seed);
  const Tensor x = randn({n, n}, DType::f64, &gen);
  return prim::eigh(prim::binary(prim::Binary::add, x, prim::transpose(x, 0, 1))).second;
}

// q diag(values) q^T: a symmetric matrix with the given eigenvalues.
Tensor with_eigenvalues(const std::vector<double>& values, uint64_t seed) {
  const int64_t n = static_cast<int64_t>(values.size());
  const Tensor q = random_orthogonal(n, seed);
  const Tensor scaled = prim::binary(prim::Binary::mul, q, tensor<double>(values));
  return prim::matmul(scaled, prim::transpose(q, 0, 1));
}

TEST(CoreDet, SlogdetIsTheProductOfKnownEigenvalues) {
  const std::vector<std::vector<double>> spectra{{2.0, -0.5, 3.0}, {-1.0, -2.0, 0.25, 4.0, 1.5}, {7.0}};
  for (DType dtype : {DType::f64, DType::f32})
    for (size_t c = 0; c < spectra.size(); ++c) {
      double logabs = 0, sign = 1;
      for (double v : spectra[c]) logabs += std::log(std::abs(v)), sign *= v < 0 ? -1 : 1;
      const Tensor a = prim::to(with_eigenvalues(spectra[c], 5 + c), dtype);
      for (const Tensor& x : {a, noncontiguous(a)}) {
        const auto [s, l] = prim::slogdet(x);
        EXPECT_EQ(s.shape(), Shape{});
        EXPECT_EQ(s.dtype(), dtype);
        EXPECT_EQ(s.item(), sign) << c;
        EXPECT_NEAR(l.item(), logabs, dtype == DType::f64 ? 1e-12 : 1e-5) << c;
      }
    }
}

TEST(CoreDet, PermutedTriangularNeedsPivoting) {
  // Rows of an upper triangular U (det 2 * -3 * 0.5 = -3), cycled by one
  // place (an even permutation of 3 rows): det stays -3, and the first
  // column's leading entry is 0, so elimination must pivot.
  const Tensor a = tensor<double>({0, 0, 0.5, 2, 1, 4, 0, -3, 7}, {3, 3});
  const auto [s, l] = prim::slogdet(a);
  EXPECT_EQ(s.item(), -1);
  EXPECT_NEAR(l.item(), std::log(3.0), 1e-15);
  // Swapping two rows flips the sign.
  const auto [s2, l2] = prim::slogdet(tensor<double>({2, 1, 4, 0, 0, 0.5, 0, -3, 7}, {3, 3}));
  EXPECT_EQ(s2.item(), 1);
  EXPECT_NEAR(l2.item(), std::log(3.0), 1e-15);
}

TEST(CoreDet, SingularMatricesGiveSignZeroAndMinusInfinity) {
  for (const Tensor& a : {tensor<double>({1, 2, 2, 4}, {2, 2}), zeros({3, 3}, DType::f64),
                          tensor<double>({1, 2, 3, 2, 4, 6, 0, 1, 5}, {3, 3})}) {
    const auto [s, l] = prim::slogdet(a);
    EXPECT_EQ(s.item(), 0) << describe(a);
    EXPECT_EQ(l.item(), -std::numeric_limits<double>::infinity()) << describe(a);
  }
}

TEST(CoreDet, HilbertMatrixIsIllConditionedButItsDeterminantIsKnown) {
  // det H_n = c_n^4 / c_2n with c_n = prod_{i<n} i!; cond(H_6) ~ 1.5e7.
  const int n = 6;
  std::vector<double> h(n * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) h[i * n + j] = 1.0 / (i + j + 1);
  auto log_c = [](int m) {
    double s = 0;
    for (int i = 1; i < m; ++i) s += std::lgamma(i + 1.0);
    return s;
  };
  const auto [s, l] = prim::slogdet(tensor<double>(h, {n, n}));
  EXPECT_EQ(s.item(), 1);
  EXPECT_NEAR(l.item(), 4 * log_c(n) - log_c(2 * n), 1e-8);
}

TEST(CoreDet, OneByOneEmptyAndBatched) {
  const auto [s1, l1] = prim::slogdet(tensor<double>({-3}, {1, 1}));
  EXPECT_EQ(s1.item(), -1);
  EXPECT_NEAR(l1.item(), std::log(3.0), 1e-15);
  const auto [s0, l0] = prim::slogdet(zeros({2, 0, 0}, DType::f64));
  EXPECT_EQ(to_vector<double>(s0), (std::vector<double>{1, 1}));
  EXPECT_EQ(to_vector<double>(l0), (std::vector<double>{0, 0}));
  EXPECT_EQ(prim::slogdet(zeros({0, 3, 3})).first.shape(), (Shape{0}));
  // A batch [2, 3, n, n] matches its matrices one by one.
  Generator gen(3);
  const Tensor a = randn({2, 3, 4, 4}, DType::f64, &gen);
  const auto [s, l] = prim::slogdet(noncontiguous(a));
  ASSERT_EQ(s.shape(), (Shape{2, 3}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      const Tensor one = prim::reshape(prim::narrow(prim::narrow(a, 0, i, 1), 1, j, 1), {4, 4});
      const auto [s_one, l_one] = prim::slogdet(one);
      EXPECT_EQ(to_vector<double>(s)[i * 3 + j], s_one.item());
      EXPECT_EQ(to_vector<double>(l)[i * 3 + j], l_one.item());
    }
}

TEST(CoreDet, InverseTimesMatrixIsIdentity) {
  for (DType dtype : {DType::f64, DType::f32}) {
    Generator gen(11);
    const Tensor a = randn({3, 5, 5}, dtype, &gen);
    for (const Tensor& x : {a, noncontiguous(a)}) {
      const Tensor ai = prim::inv(x);
      const Tensor id = prim::expand(eye(5, dtype), {3, 5, 5});
      const double tol = dtype == DType::f64 ? 1e-11 : 1e-4;
      EXPECT_TRUE(allclose(prim::matmul(ai, x), id, tol, tol));
      EXPECT_TRUE(allclose(prim::matmul(x, ai), id, tol, tol));
    }
  }
  EXPECT_TRUE(allclose(prim::inv(tensor<double>({4}, {1, 1})), tensor<double>({0.25}, {1, 1}), 0, 0));
  // A zero pivot needs a row swap: [[0, 1], [1, 0]] is its own inverse.
  const Tensor swap = tensor<double>({0, 1, 1, 0}, {2, 2});
  EXPECT_TRUE(allclose(prim::inv(swap), swap, 0, 0));
  EXPECT_EQ(prim::inv(zeros({0, 0})).shape(), (Shape{0, 0}));
}

TEST(CoreDet, BadInputNamesTheOp) {
  EXPECT_THROW_MESSAGE(prim::slogdet(zeros({2, 3})), std::invalid_argument, "slogdet", "[2, 3]");
  EXPECT_THROW_MESSAGE(prim::slogdet(zeros({3})), std::invalid_argument, "slogdet", "square");
  EXPECT_THROW_MESSAGE(prim::inv(zeros({4, 3, 2})), std::invalid_argument, "inv", "square");
  EXPECT_THROW_MESSAGE(prim::slogdet(zeros({2, 2}, DType::i64)), std::invalid_argument, "slogdet");
  EXPECT_THROW_MESSAGE(prim::inv(zeros({2, 2}, DType::i64)), std::invalid_argument, "inv");
}

}  // namespace
}  // namespace nabla
