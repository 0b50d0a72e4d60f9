// im2col / col2im driven directly on raw buffers.
#include "kernels/conv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "tests/testing.h"

namespace nabla::kernels {
namespace {

// A contiguous [C, H, W] image.
View<double> image(std::vector<double>& buf, int64_t C, int64_t H, int64_t W) {
  return testing::make_view(buf.data(), {C, H, W}, {H * W, W, 1});
}

TEST(ConvKernels, Im2colOfA3x3ImageWithPadding) {
  // x = 1..9 in a 3x3 image; kernel 2x2, padding 1, stride 2 -> 2x2 outputs
  // at top-left corners (-1, -1), (-1, 1), (1, -1), (1, 1).
  std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8, 9};
  Conv2dArgs a;
  a.stride[0] = a.stride[1] = 2;
  a.padding[0] = a.padding[1] = 1;
  std::vector<double> col(4 * 4, -1.0);
  cpu::im2col(col.data(), 4, image(x, 1, 3, 3).as_const(), 2, 2, 2, 2, a);
  const std::vector<double> expected{0, 0, 0, 5,   // tap (0, 0)
                                     0, 0, 4, 6,   // tap (0, 1)
                                     0, 2, 0, 8,   // tap (1, 0)
                                     1, 3, 7, 9};  // tap (1, 1)
  EXPECT_EQ(col, expected);
}

TEST(ConvKernels, Col2imIsTheAdjointOfIm2col) {
  // <im2col(x), c> == <x, col2im(c)> for random x, c and awkward geometry.
  const int64_t C = 2, H = 7, W = 6, kH = 3, kW = 2, ld = 40;
  Conv2dArgs a;
  a.stride[0] = 2, a.stride[1] = 1;
  a.padding[0] = 2, a.padding[1] = 1;
  a.dilation[0] = 1, a.dilation[1] = 3;
  const int64_t Ho = (H + 2 * 2 - 1 * (kH - 1) - 1) / 2 + 1, Wo = (W + 2 * 1 - 3 * (kW - 1) - 1) / 1 + 1;
  ASSERT_LE(Ho * Wo, ld);
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  std::vector<double> x(C * H * W), c(C * kH * kW * ld), col(c.size(), 0.0), back(x.size(), 0.0);
  for (double& v : x) v = normal(rng);
  for (double& v : c) v = normal(rng);
  cpu::im2col(col.data(), ld, image(x, C, H, W).as_const(), kH, kW, Ho, Wo, a);
  cpu::col2im(image(back, C, H, W), c.data(), ld, kH, kW, Ho, Wo, a);
  double lhs = 0, rhs = 0;
  for (int64_t r = 0; r < C * kH * kW; ++r)
    for (int64_t k = 0; k < Ho * Wo; ++k) lhs += col[r * ld + k] * c[r * ld + k];
  for (size_t i = 0; i < x.size(); ++i) rhs += x[i] * back[i];
  EXPECT_NEAR(lhs, rhs, 1e-10 * (1 + std::abs(lhs)));
  EXPECT_NE(lhs, 0.0);
}

}  // namespace
}  // namespace nabla::kernels
