// softmax and log_softmax against hand values and a naive reference.
#include "core/softmax.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/elementwise.h"
#include "core/reduce.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

TEST(Softmax, ByHand) {
  const Tensor x = tensor<double>({1, 2, 3, 0, 0, 0}, {2, 3});
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  const Tensor want = tensor<double>({std::exp(1.0) / z, std::exp(2.0) / z, std::exp(3.0) / z,
                                      1.0 / 3, 1.0 / 3, 1.0 / 3}, {2, 3});
  EXPECT_TRUE(allclose(prim::softmax(x, 1), want, 1e-12, 1e-14));
  EXPECT_TRUE(allclose(prim::softmax(x, -1), want, 1e-12, 1e-14));
  EXPECT_TRUE(allclose(prim::log_softmax(x, 1), prim::unary(prim::Unary::log, want), 1e-12, 1e-14));
  // Along dim 0 each column has two entries.
  const double a = 1 / (1 + std::exp(-1.0));
  EXPECT_NEAR(prim::softmax(x, 0).data<double>()[0], a, 1e-12);
}

TEST(Softmax, StableForLargeInputs) {
  const Tensor x = tensor<float>({1000, 1001, -1000});
  const Tensor y = prim::softmax(x, 0);
  EXPECT_TRUE(allclose(y, tensor<float>({1 / (1 + std::exp(1.0f)), 1 / (1 + std::exp(-1.0f)), 0}), 1e-5, 1e-7));
  const Tensor ly = prim::log_softmax(x, 0);
  EXPECT_NEAR(ly.data<float>()[2], -2001 - std::log1p(std::exp(-1.0)), 1e-2);
  EXPECT_TRUE(std::isfinite(ly.data<float>()[0]));
}

TEST(Softmax, MinusInfinityGetsZeroProbability) {
  const double inf = std::numeric_limits<double>::infinity();
  const Tensor x = tensor<double>({0, -inf, 0});
  EXPECT_TRUE(allclose(prim::softmax(x, 0), tensor<double>({0.5, 0, 0.5})));
  EXPECT_TRUE(allclose(prim::log_softmax(x, 0), tensor<double>({-std::log(2.0), -inf, -std::log(2.0)})));
}

// Against exp(x) / sum exp(x) and x - logsumexp(x), on every dim of a 3-D
// tensor, contiguous and not, f32 and f64.
TEST(Softmax, MatchesTheComposite) {
  manual_seed(5);
  for (DType t : {DType::f32, DType::f64}) {
    const double tol = t == DType::f32 ? 1e-6 : 1e-13;
    const Tensor x = randn({3, 4, 5}, t);
    for (const Tensor& in : {x, testing::noncontiguous(x)})
      for (int64_t d = -3; d < 3; ++d) {
        const Tensor e = prim::unary(prim::Unary::exp, x);
        const Tensor want = prim::binary(prim::Binary::div, e, prim::sum(e, {d}, true));
        EXPECT_TRUE(allclose(prim::softmax(in, d), want, tol, tol)) << "dim " << d;
        const Tensor lwant = prim::binary(prim::Binary::sub, x, prim::logsumexp(x, {d}, true));
        EXPECT_TRUE(allclose(prim::log_softmax(in, d), lwant, tol, tol)) << "dim " << d;
      }
  }
}

// A softmax dim with a larger stride than its neighbour runs rows side by
// side in tiles (37 rows: one full tile and a partial one).
TEST(Softmax, AlongALeadingDim) {
  manual_seed(6);
  const Tensor x = randn({9, 37}, DType::f64);
  for (const Tensor& in : {x, prim::unsqueeze(x, 0), prim::slice(prim::contiguous(prim::expand(
                                                         prim::unsqueeze(x, 2), {9, 37, 2})), 2, 0, 1)}) {
    const int64_t d = in.dim() - 2;
    const Tensor e = prim::unary(prim::Unary::exp, in);
    const Tensor want = prim::binary(prim::Binary::div, e, prim::sum(e, {d}, true));
    EXPECT_TRUE(allclose(prim::softmax(in, d), want, 1e-13, 1e-15)) << describe(in);
    const Tensor lwant = prim::binary(prim::Binary::sub, in, prim::logsumexp(in, {d}, true));
    EXPECT_TRUE(allclose(prim::log_softmax(in, d), lwant, 1e-13, 1e-15)) << describe(in);
  }
}

TEST(Softmax, ZeroDimAndEmpty) {
  EXPECT_EQ(prim::softmax(scalar(3.0, DType::f64), 0).item(), 1.0);
  EXPECT_EQ(prim::log_softmax(scalar(3.0, DType::f64), -1).item(), 0.0);
  EXPECT_EQ(prim::softmax(zeros({0, 3}), 1).shape(), (Shape{0, 3}));
}

TEST(Softmax, Errors) {
  EXPECT_THROW_MESSAGE(prim::softmax(zeros({2, 3}), 2), std::out_of_range, "softmax: dim 2 out of range");
  EXPECT_THROW_MESSAGE(prim::log_softmax(zeros({2}, DType::i64), 0), std::invalid_argument,
                       "log_softmax: expected a floating dtype");
}

}  // namespace
}  // namespace nabla
