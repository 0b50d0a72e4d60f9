// Reductions against hand-computed values, edge cases and errors.
#include "core/reduce.h"

#include <omp.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/elementwise.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Tensor grid(DType t) { return prim::to(tensor<double>({1, 5, 3, 4, 2, 6}, {2, 3}), t); }

TEST(Reduce, SumProdMaxMinByHand) {
  for (DType t : {DType::f32, DType::f64, DType::i64}) {
    const Tensor x = grid(t);
    EXPECT_EQ(prim::sum(x).dtype(), t);
    EXPECT_TRUE(allclose(prim::sum(x, {1}), tensor<double>({9, 12})));
    EXPECT_TRUE(allclose(prim::prod(x, {0}), tensor<double>({4, 10, 18})));
    EXPECT_TRUE(allclose(prim::prod(x), scalar(720.0, DType::f64)));
    EXPECT_TRUE(allclose(prim::max(x, {1}), tensor<double>({5, 6})));
    EXPECT_TRUE(allclose(prim::min(x, {0}, true), tensor<double>({1, 2, 3}, {1, 3})));
    EXPECT_TRUE(allclose(prim::argmax(x, {1}), tensor<int64_t>({1, 2})));
    EXPECT_TRUE(allclose(prim::argmin(x, {0}), tensor<int64_t>({0, 1, 0})));
    EXPECT_TRUE(allclose(prim::argmax(x), scalar(5.0, DType::i64)));
  }
}

TEST(Reduce, IntegerOverflowWraps) {
  const int64_t big = std::numeric_limits<int64_t>::max();
  const Tensor x = tensor<int64_t>({big, 1});
  EXPECT_EQ(prim::sum(x).data<int64_t>()[0], std::numeric_limits<int64_t>::min());
  EXPECT_EQ(prim::prod(tensor<int64_t>({big, 2})).data<int64_t>()[0], -2);
  EXPECT_EQ(prim::max(x).data<int64_t>()[0], big);  // exact: no trip through double
}

TEST(Reduce, ArgmaxOfSeveralDimsIsFlatOverThem) {
  // x[i][j][k] = 6 i + 3 j + k: the max over dims (0, 2) is at i = 1, k = 2.
  const Tensor x = prim::reshape(arange(0, 12, 1, DType::f64), {2, 2, 3});
  const auto [values, index] = prim::max_with_indices(x, {0, 2}, true);
  EXPECT_EQ(values.shape(), (Shape{1, 2, 1}));
  EXPECT_TRUE(allclose(values, tensor<double>({8, 11}, {1, 2, 1})));
  EXPECT_TRUE(allclose(index, tensor<int64_t>({5, 5}, {1, 2, 1})));  // i = 1, k = 2 -> 1 * 3 + 2
}

TEST(Reduce, ArgmaxTakesTheFirstTieAndTheFirstNaN) {
  EXPECT_EQ(prim::argmax(tensor<double>({1, 7, 7, 2})).item(), 1);
  EXPECT_EQ(prim::argmin(tensor<double>({3, 1, 2, 1})).item(), 1);
  EXPECT_EQ(prim::argmax(tensor<double>({1, kNaN, 9, kNaN})).item(), 1);
  EXPECT_EQ(prim::argmin(tensor<float>({1, 0, kNaN})).item(), 2);
}

TEST(Reduce, MaxAndMinPropagateNaN) {
  const Tensor x = tensor<double>({1, kNaN, 3, 4, 5, 6}, {2, 3});
  EXPECT_TRUE(allclose(prim::max(x, {1}), tensor<double>({kNaN, 6})));
  EXPECT_TRUE(allclose(prim::min(x, {1}), tensor<double>({kNaN, 4})));
  EXPECT_TRUE(std::isnan(prim::max(x).item()));
}

TEST(Reduce, VarAndStdByHand) {
  for (DType t : {DType::f32, DType::f64}) {
    const Tensor x = prim::to(tensor<double>({1, 2, 3, 4}), t);
    EXPECT_NEAR(prim::var(x).item(), 5.0 / 3.0, 1e-6);
    EXPECT_NEAR(prim::var(x, {}, false, 0).item(), 1.25, 1e-6);
    EXPECT_NEAR(prim::std(x, {}, false, 0).item(), std::sqrt(1.25), 1e-6);
  }
  const Tensor y = grid(DType::f64);
  EXPECT_TRUE(allclose(prim::var(y, {1}, true), tensor<double>({4, 4}, {2, 1})));
  EXPECT_TRUE(std::isnan(prim::var(tensor<double>({3.0})).item()));  // n - correction = 0
}

TEST(Reduce, VarIsAccurateFarFromZero) {
  // Values 1e9 + {0.1, 0.2, 0.3}: the naive E[x^2] - E[x]^2 loses every digit.
  const Tensor x = tensor<double>({1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3});
  const auto v = to_vector<double>(x);
  const double d1 = v[1] - v[0], d2 = v[2] - v[0];  // exact (Sterbenz)
  const double m = (d1 + d2) / 3;
  const double want = (m * m + (d1 - m) * (d1 - m) + (d2 - m) * (d2 - m)) / 3;
  EXPECT_NEAR(prim::var(x, {}, false, 0).item(), want, 1e-15);
  const Tensor f = tensor<float>({1e4f + 1, 1e4f + 2, 1e4f + 3, 1e4f + 4});
  EXPECT_NEAR(prim::var(f).item(), 5.0 / 3.0, 1e-6);
}

TEST(Reduce, LogsumexpIsStable) {
  EXPECT_NEAR(prim::logsumexp(tensor<double>({1000, 1000})).item(), 1000 + std::log(2.0), 1e-9);
  EXPECT_NEAR(prim::logsumexp(tensor<float>({-1000, -1000})).item(), -1000 + std::log(2.0), 1e-3);
  EXPECT_NEAR(prim::logsumexp(tensor<double>({1, 2, 3})).item(),
              std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)), 1e-12);
  const Tensor x = tensor<double>({-kInf, -kInf, 0, -kInf, kInf, 1, kNaN, 1}, {4, 2});
  EXPECT_TRUE(allclose(prim::logsumexp(x, {1}), tensor<double>({-kInf, 0, kInf, kNaN})));
}

TEST(Reduce, NormByHand) {
  const Tensor x = tensor<double>({3, -4, 0, 0}, {2, 2});
  EXPECT_NEAR(prim::norm(x).item(), 5, 1e-12);
  EXPECT_NEAR(prim::norm(x, 1).item(), 7, 1e-12);
  EXPECT_NEAR(prim::norm(x, INFINITY).item(), 4, 1e-12);
  EXPECT_NEAR(prim::norm(x, 3).item(), std::cbrt(27.0 + 64.0), 1e-12);
  EXPECT_NEAR(prim::norm(x, 0.5).item(), std::pow(std::sqrt(3.0) + 2, 2), 1e-12);
  EXPECT_TRUE(allclose(prim::norm(x, 2, {1}), tensor<double>({5, 0})));
  EXPECT_TRUE(allclose(prim::norm(prim::to(x, DType::f32), INFINITY, {0}, true), tensor<double>({3, 4}, {1, 2})));
}

TEST(Reduce, EmptyRangesGiveTheIdentity) {
  const Tensor x = zeros({2, 0}, DType::f64);
  EXPECT_TRUE(allclose(prim::sum(x, {1}), tensor<double>({0, 0})));
  EXPECT_TRUE(allclose(prim::prod(x, {1}), tensor<double>({1, 1})));
  EXPECT_TRUE(allclose(prim::logsumexp(x, {1}), tensor<double>({-kInf, -kInf})));
  EXPECT_TRUE(allclose(prim::norm(x, 2, {1}), tensor<double>({0, 0})));
  EXPECT_EQ(prim::max(x, {0}).shape(), (Shape{0}));  // nothing to reduce into: fine
}

TEST(Reduce, ZeroDimTensorReducesToItself) {
  const Tensor x = scalar(-2.5, DType::f64);
  EXPECT_EQ(prim::sum(x).item(), -2.5);
  EXPECT_EQ(prim::max(x).item(), -2.5);
  EXPECT_EQ(prim::argmax(x).item(), 0);
  EXPECT_EQ(prim::norm(x, 1).item(), 2.5);
}

TEST(Reduce, ErrorsNameTheOp) {
  const Tensor x = zeros({2, 3}, DType::f64);
  EXPECT_THROW(prim::max(zeros({2, 0}), {1}), std::invalid_argument);
  EXPECT_THROW_MESSAGE(prim::max(zeros({2, 0}), {1}), std::exception, "max: cannot reduce over a zero-size dim");
  EXPECT_THROW_MESSAGE(prim::argmin(zeros({0})), std::exception, "argmin:");
  EXPECT_THROW(prim::sum(x, {2}), std::out_of_range);
  EXPECT_THROW_MESSAGE(prim::logsumexp(x, {-3}), std::exception, "logsumexp: dim -3 out of range");
  EXPECT_THROW_MESSAGE(prim::max(x, {0, 0}), std::exception, "max: a dim appears twice");
  const Tensor u = zeros({3}, DType::u8), i = zeros({3}, DType::i64);
  EXPECT_THROW_MESSAGE(prim::var(u), std::exception, "var: expected a floating dtype");
  EXPECT_THROW_MESSAGE(prim::std(i), std::exception, "std: expected a floating dtype");
  EXPECT_THROW_MESSAGE(prim::logsumexp(i), std::exception, "logsumexp:");
  EXPECT_THROW_MESSAGE(prim::norm(i), std::exception, "norm:");
  EXPECT_THROW_MESSAGE(prim::sum(u), std::exception, "sum: expected f32, f64 or i64");
  EXPECT_THROW_MESSAGE(prim::argmax(zeros({2}, DType::b8)), std::exception, "argmax: expected f32, f64 or i64");
  EXPECT_THROW_MESSAGE(prim::norm(x, 0), std::exception, "norm: expected p > 0");
  EXPECT_THROW_MESSAGE(prim::norm(x, -1), std::exception, "norm: expected p > 0");
  EXPECT_THROW_MESSAGE(prim::var(x, {}, false, -1), std::exception, "var: expected correction >= 0");
}

// A full reduction of a large input is split in fixed chunks across threads:
// the same bits for any thread count, and still accurate.
TEST(Reduce, LargeFullReductionDoesNotDependOnThreadCount) {
  manual_seed(3);
  const Tensor x = randn({1 << 18}, DType::f32);
  const Tensor xd = randn({3, 1 << 17}, DType::f64);
  auto all = [&] {
    return std::vector<double>{prim::sum(x).item(), prim::var(x).item(), prim::logsumexp(x).item(),
                               prim::norm(x, 3).item(), prim::max(x).item(),
                               static_cast<double>(prim::argmin(x).item()), prim::sum(prim::var(xd, {1})).item()};
  };
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = all();
  omp_set_num_threads(2);
  const auto two = all();
  omp_set_num_threads(threads);
  for (size_t k = 0; k < one.size(); ++k) EXPECT_EQ(one[k], two[k]) << "result " << k;
  // Against a serial double sum.
  const auto v = to_vector<double>(x);
  double s = 0;
  for (double e : v) s += e;
  EXPECT_NEAR(one[0], s, 1e-3);
}

}  // namespace
}  // namespace nabla
