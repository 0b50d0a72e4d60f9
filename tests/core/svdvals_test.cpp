// prim::svdvals: matrices U diag(sigma) V^T of known singular values (tall,
// wide, square, rank-deficient, tiny sigma), 1-column and 1x1 matrices,
// batches, strided inputs, f32 and f64.
#include "core/svdvals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
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

// The first `cols` columns of a random orthogonal [n, n] (eigenvectors of a
// random symmetric matrix).
Tensor orthonormal_columns(int64_t n, int64_t cols, uint64_t seed) {
  Generator gen(seed);
  const Tensor x = randn({n, n}, DType::f64, &gen);
  const Tensor q = prim::eigh(prim::binary(prim::Binary::add, x, prim::transpose(x, 0, 1))).second;
  return prim::narrow(q, 1, 0, cols);
}

// U diag(sigma) V^T of shape [m, k] with min(m, k) = sigma.size().
Tensor with_singular_values(int64_t m, int64_t k, std::vector<double> sigma, uint64_t seed) {
  const int64_t r = static_cast<int64_t>(sigma.size());
  const Tensor u = orthonormal_columns(m, r, seed), v = orthonormal_columns(k, r, seed + 1);
  return prim::matmul(prim::binary(prim::Binary::mul, u, tensor<double>(sigma)), prim::transpose(v, 0, 1));
}

std::vector<double> descending(std::vector<double> s) {
  std::sort(s.begin(), s.end(), std::greater<double>());
  return s;
}

TEST(CoreSvdvals, KnownSingularValuesTallWideSquare) {
  struct Case {
    int64_t m, k;
    std::vector<double> sigma;
  };
  const std::vector<Case> cases{{7, 4, {0.5, 3.0, 1.0, 2.0}},
                                {3, 6, {1.5, 0.25, 4.0}},
                                {5, 5, {1, 2, 3, 4, 5}},
                                {6, 3, {2.0, 0.0, 0.0}},  // rank 1
                                {4, 1, {2.5}}};
  for (size_t c = 0; c < cases.size(); ++c) {
    const Tensor a = with_singular_values(cases[c].m, cases[c].k, cases[c].sigma, 10 * c);
    const Tensor want = tensor<double>(descending(cases[c].sigma));
    for (const Tensor& x : {a, noncontiguous(a)}) {
      EXPECT_TRUE(allclose(prim::svdvals(x), want, 1e-12, 1e-13)) << c;
      const Tensor s32 = prim::svdvals(prim::to(x, DType::f32));
      EXPECT_EQ(s32.dtype(), DType::f32);
      EXPECT_TRUE(allclose(s32, want, 1e-5, 1e-6)) << c;
    }
  }
}

TEST(CoreSvdvals, TinySingularValueKeepsItsAccuracy) {
  // sigma = 1e-9 next to 1: the eigenvalues of A^T A would hold it as 1e-18
  // beside 1, below double's resolution; Jacobi on A keeps it.
  const Tensor a = with_singular_values(8, 4, {1.0, 0.5, 1e-3, 1e-9}, 3);
  const auto s = to_vector<double>(prim::svdvals(a));
  EXPECT_NEAR(s[3], 1e-9, 1e-15);
  EXPECT_NEAR(s[2], 1e-3, 1e-15);
}

TEST(CoreSvdvals, OneByOneBatchedAndEmpty) {
  EXPECT_EQ(to_vector<double>(prim::svdvals(tensor<double>({-3}, {1, 1}))), (std::vector<double>{3}));
  Generator gen(4);
  const Tensor a = randn({2, 3, 6, 4}, DType::f64, &gen);
  const Tensor s = prim::svdvals(noncontiguous(a));
  ASSERT_EQ(s.shape(), (Shape{2, 3, 4}));
  // Each matrix alone gives the same values; the squares sum to |A|_F^2.
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      const Tensor one = prim::reshape(prim::narrow(prim::narrow(a, 0, i, 1), 1, j, 1), {6, 4});
      const auto s_one = to_vector<double>(prim::svdvals(one));
      const auto all = to_vector<double>(s);
      double frob = 0, squares = 0;
      for (double v : to_vector<double>(one)) frob += v * v;
      for (int64_t t = 0; t < 4; ++t) {
        EXPECT_EQ(all[(i * 3 + j) * 4 + t], s_one[t]);
        squares += s_one[t] * s_one[t];
        if (t > 0) {
          EXPECT_GE(s_one[t - 1], s_one[t]);
        }
      }
      EXPECT_NEAR(squares, frob, 1e-12 * frob);
    }
  EXPECT_EQ(prim::svdvals(zeros({3, 0, 4})).shape(), (Shape{3, 0}));
  EXPECT_EQ(prim::svdvals(zeros({0, 2, 2})).shape(), (Shape{0, 2}));
}

TEST(CoreSvdvals, BadInputNamesTheOp) {
  EXPECT_THROW_MESSAGE(prim::svdvals(zeros({3})), std::invalid_argument, "svdvals", "[3]");
  EXPECT_THROW_MESSAGE(prim::svdvals(zeros({2, 2}, DType::i64)), std::invalid_argument, "svdvals");
}

}  // namespace
}  // namespace nabla
