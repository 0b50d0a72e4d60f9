#include "autograd/dropout.h"

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

TEST(Dropout, FractionOfZerosIsNearP) {
  Generator gen(1);
  const Tensor y = dropout(ones({200000}), 0.3, true, &gen);
  const auto v = to_vector<float>(y);
  int64_t zeros_seen = 0;
  for (float e : v) {
    if (e == 0) ++zeros_seen;
    else EXPECT_FLOAT_EQ(e, 1 / 0.7f);
  }
  // Binomial std at n = 2e5, p = 0.3 is about 0.001 in the fraction.
  EXPECT_NEAR(static_cast<double>(zeros_seen) / v.size(), 0.3, 0.005);
}

TEST(Dropout, SameSeedSameMask) {
  Generator g1(42), g2(42), g3(43);
  const Tensor x = ones({1000}, DType::f64);
  const Tensor a = dropout(x, 0.5, true, &g1), b = dropout(x, 0.5, true, &g2), c = dropout(x, 0.5, true, &g3);
  EXPECT_TRUE(allclose(a, b, 0, 0));
  EXPECT_FALSE(allclose(a, c, 0, 0));
}

TEST(Dropout, EvalAndPZeroAreIdentityPOneIsZero) {
  const Tensor x = tensor<double>({1.0, -2.0, 3.0});
  EXPECT_TRUE(dropout(x, 0.5, false).is_same(x));
  EXPECT_TRUE(dropout(x, 0.0, true).is_same(x));
  EXPECT_TRUE(allclose(dropout(x, 1.0, true), zeros({3}, DType::f64), 0, 0));
  EXPECT_THROW(dropout(x, 1.5, true), std::invalid_argument);
  EXPECT_THROW(dropout(tensor<int64_t>({1}), 0.5, true), std::invalid_argument);
}

TEST(Dropout, GradientIsMaskOverKeepProbability) {
  Generator gen(7);
  Generator gen2(7);
  Tensor x = tensor<double>({0.5, -1.0, 2.0, 3.0, -0.25, 1.5, 4.0, -2.0}).requires_grad_();
  const Tensor y = dropout(x, 0.4, true, &gen);
  backward(sum(y * 3.0));
  const Tensor mask = dropout(ones({8}, DType::f64), 0.4, true, &gen2);  // the same draw: mask / (1 - p)
  EXPECT_TRUE(allclose(x.grad(), mask * 3.0, 1e-12, 0));
  EXPECT_TRUE(allclose(y, detach(x) * mask, 1e-12, 0));
  // Fixed mask, so the op is linear: gradcheck with a reseeded generator.
  EXPECT_GRADCHECK(gradcheck(
      [](const Tensor& x) {
        Generator g(5);
        return dropout(x, 0.5, true, &g);
      },
      x));
}

}  // namespace
}  // namespace nabla
