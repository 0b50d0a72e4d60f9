// Masked convolutions are causal in raster order: the output at pixel (i, j)
// has zero gradient with respect to later pixels (and, through a type-A
// layer, the pixel itself), and a nonzero one with respect to some earlier
// pixel.
#include <functional>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/ar/masked_conv.h"
#include "tests/testing.h"

namespace nabla::ar {
namespace {

constexpr int64_t kSide = 6;

// d sum_c f(x)[0, c, i, j] / dx as a [kSide, kSide] vector of doubles.
std::vector<double> input_gradient(const std::function<Tensor(const Tensor&)>& f, int64_t i, int64_t j) {
  Generator gen(11);
  Tensor x = randn({1, 1, kSide, kSide}, DType::f64, &gen);
  x.requires_grad_();
  const Tensor y = f(x);
  backward(sum(slice(slice(y, 2, i, i + 1), 3, j, j + 1)));
  return to_vector<double>(x.grad());
}

// centre: whether the output at a pixel may depend on that pixel.
void expect_causal(const std::function<Tensor(const Tensor&)>& f, bool centre) {
  for (int64_t i = 0; i < kSide; ++i)
    for (int64_t j = 0; j < kSide; ++j) {
      SCOPED_TRACE("pixel (" + std::to_string(i) + ", " + std::to_string(j) + ")");
      const std::vector<double> g = input_gradient(f, i, j);
      const int64_t here = i * kSide + j;
      bool earlier_seen = false;
      for (int64_t p = 0; p < kSide * kSide; ++p) {
        const double v = g[static_cast<size_t>(p)];
        if (p > here || (p == here && !centre)) {
          EXPECT_EQ(v, 0.0) << "input pixel " << p;
        }
        if (p < here && v != 0.0) earlier_seen = true;
        if (p == here && centre) {
          EXPECT_NE(v, 0.0);
        }
      }
      if (here > 0) {
        EXPECT_TRUE(earlier_seen);
      }
    }
}

TEST(MaskedConv, MasksHideTheFutureAndTypeAHidesTheCentre) {
  EXPECT_TRUE(testing::allclose(causal_mask(MaskType::A, 3), tensor(std::vector<float>{1, 1, 1, 1, 0, 0, 0, 0, 0}, {3, 3}), 0, 0));
  EXPECT_TRUE(testing::allclose(causal_mask(MaskType::B, 3), tensor(std::vector<float>{1, 1, 1, 1, 1, 0, 0, 0, 0}, {3, 3}), 0, 0));
  EXPECT_THROW(MaskedConv2d(MaskType::A, 1, 1, 4), std::invalid_argument);
}

TEST(MaskedConv, TypeAOutputIgnoresItsPixelAndLaterOnes) {
  Generator gen(1);
  MaskedConv2d a(MaskType::A, 1, 3, 3, DType::f64, &gen);
  expect_causal([&](const Tensor& x) { return a(x); }, false);
  MaskedConv2d a7(MaskType::A, 1, 2, 7, DType::f64, &gen);
  expect_causal([&](const Tensor& x) { return a7(x); }, false);
}

TEST(MaskedConv, TypeBSeesItsPixelButNoLaterOne) {
  Generator gen(2);
  MaskedConv2d b(MaskType::B, 1, 3, 3, DType::f64, &gen);
  expect_causal([&](const Tensor& x) { return b(x); }, true);
}

// B layers after an A layer never reach the centre pixel's own value.
TEST(MaskedConv, StackOfAThenBStaysBlindToItsPixel) {
  Generator gen(3);
  MaskedConv2d a(MaskType::A, 1, 4, 3, DType::f64, &gen);
  MaskedConv2d b1(MaskType::B, 4, 4, 3, DType::f64, &gen);
  MaskedConv2d b2(MaskType::B, 4, 2, 3, DType::f64, &gen);
  expect_causal([&](const Tensor& x) { return b2(tanh(b1(tanh(a(x))))); }, false);
}

}  // namespace
}  // namespace nabla::ar
