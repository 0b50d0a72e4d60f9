// prim::slogdet and prim::inverse: closed forms, signs, singular matrices,
// batches, non-contiguous input, both float types, errors naming the op.
#include "core/det.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/factory.h"
#include "core/linalg.h"
#include "core/random.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;

TEST(Det, SlogdetOfSmallMatricesMatchesClosedForms) {
  // det [[1, 2], [3, 4]] = -2; det of a permutation with one swap = -1 (the
  // pivot search swaps rows here); det [[2, 0, 0], [1, 3, 0], [4, 5, 0.5]] = 3.
  const auto [s1, l1] = prim::slogdet(tensor<double>({1, 2, 3, 4}, {2, 2}));
  EXPECT_EQ(s1.item(), -1.0);
  EXPECT_NEAR(l1.item(), std::log(2.0), 1e-14);
  const auto [s2, l2] = prim::slogdet(tensor<double>({0, 1, 1, 0}, {2, 2}));
  EXPECT_EQ(s2.item(), -1.0);
  EXPECT_NEAR(l2.item(), 0.0, 1e-14);
  const auto [s3, l3] = prim::slogdet(tensor<float>({2, 0, 0, 1, 3, 0, 4, 5, 0.5}, {3, 3}));
  EXPECT_EQ(s3.item(), 1.0);
  EXPECT_NEAR(l3.item(), std::log(3.0), 1e-6);
}

TEST(Det, SingularMatrixHasSignZeroAndMinusInfinity) {
  const auto [s, l] = prim::slogdet(tensor<double>({1, 2, 2, 4}, {2, 2}));
  EXPECT_EQ(s.item(), 0.0);
  EXPECT_EQ(l.item(), -std::numeric_limits<double>::infinity());
  EXPECT_THROW_MESSAGE(prim::inverse(tensor<double>({1, 2, 2, 4}, {2, 2})), std::invalid_argument, "inverse",
                       "singular");
}

// det(a) of each matrix of a batch against the product of its 3x3 cofactor
// expansion; a a^-1 = I.
void check_batch(DType dtype, bool strided, double tol) {
  Generator gen(3);
  Tensor a = randn({2, 3, 3, 3}, dtype, &gen);
  if (strided) a = noncontiguous(a);
  const auto [sign, logabs] = prim::slogdet(a);
  ASSERT_EQ(sign.shape(), (Shape{2, 3}));
  const auto v = to_vector<double>(prim::contiguous(a));
  const auto s = to_vector<double>(sign), l = to_vector<double>(logabs);
  for (int64_t b = 0; b < 6; ++b) {
    const double* m = v.data() + b * 9;
    const double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
                       m[2] * (m[3] * m[7] - m[4] * m[6]);
    EXPECT_NEAR(s[b] * std::exp(l[b]), det, tol * (1 + std::abs(det))) << b;
  }
  const Tensor eye3 = prim::contiguous(prim::expand(eye(3, dtype), {2, 3, 3, 3}));
  EXPECT_TRUE(allclose(prim::matmul(a, prim::inverse(a)), eye3, tol * 10, tol * 10));
}

TEST(Det, BatchedAndNoncontiguousInBothFloatTypes) {
  check_batch(DType::f64, false, 1e-12);
  check_batch(DType::f64, true, 1e-12);
  check_batch(DType::f32, false, 1e-5);
  check_batch(DType::f32, true, 1e-5);
}

TEST(Det, RejectsNonSquareAndIntegerInput) {
  EXPECT_THROW_MESSAGE(prim::slogdet(zeros({2, 3})), std::invalid_argument, "slogdet", "[..., n, n]");
  EXPECT_THROW_MESSAGE(prim::inverse(zeros({3})), std::invalid_argument, "inverse", "[..., n, n]");
  EXPECT_THROW(prim::slogdet(zeros({2, 2}, DType::i64)), std::invalid_argument);
}

}  // namespace
}  // namespace nabla
