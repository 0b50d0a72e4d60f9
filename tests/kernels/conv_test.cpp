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


// Naive im2col / col2im by the formula of kernels/conv.h, taps in order.
struct Geom {
  int64_t C, H, W, kH, kW, sh, sw, ph, pw, dh, dw;
  Conv2dArgs args() const {
    Conv2dArgs a;
    a.stride[0] = sh, a.stride[1] = sw, a.padding[0] = ph, a.padding[1] = pw, a.dilation[0] = dh, a.dilation[1] = dw;
    return a;
  }
  int64_t Ho() const { return (H + 2 * ph - dh * (kH - 1) - 1) / sh + 1; }
  int64_t Wo() const { return (W + 2 * pw - dw * (kW - 1) - 1) / sw + 1; }
};

template <class T, class F>
void for_each_entry(const Geom& g, F&& f) {  // f(row, position, image index or -1)
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t p = 0; p < g.kH; ++p)
      for (int64_t q = 0; q < g.kW; ++q)
        for (int64_t i = 0; i < g.Ho(); ++i)
          for (int64_t j = 0; j < g.Wo(); ++j) {
            const int64_t r = i * g.sh - g.ph + p * g.dh, s = j * g.sw - g.pw + q * g.dw;
            const bool inside = r >= 0 && r < g.H && s >= 0 && s < g.W;
            f((c * g.kH + p) * g.kW + q, i * g.Wo() + j, inside ? (c * g.H + r) * g.W + s : -1);
          }
}

// Both paths of im2col/col2im (offset table: column stride > 1;
// row copies: column stride 1) give the naive loops' bits, in f32 and
// f64, on a strided (non-contiguous) image for im2col.
template <class T>
void check_against_naive(const Geom& g) {
  const int64_t P = g.Ho() * g.Wo(), rows = g.C * g.kH * g.kW, ld = P + 5;
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  std::vector<T> x(g.C * g.H * g.W), wide(2 * x.size()), c(rows * ld);
  for (T& v : x) v = static_cast<T>(normal(rng));
  for (T& v : c) v = static_cast<T>(normal(rng));
  for (size_t i = 0; i < x.size(); ++i) wide[2 * i] = x[i];
  std::vector<T> col(rows * ld, T(-7)), want(col);
  std::vector<T> back(x.size(), T(0)), want_back(back);
  for_each_entry<T>(g, [&](int64_t r, int64_t k, int64_t src) {
    want[r * ld + k] = src < 0 ? T(0) : x[src];
    if (src >= 0) want_back[src] += c[r * ld + k];
  });
  const View<const T> strided =
      testing::make_view(wide.data(), {g.C, g.H, g.W}, {2 * g.H * g.W, 2 * g.W, 2}).as_const();
  cpu::im2col(col.data(), ld, strided, g.kH, g.kW, g.Ho(), g.Wo(), g.args());
  cpu::col2im(testing::make_view(back.data(), {g.C, g.H, g.W}, {g.H * g.W, g.W, 1}), c.data(), ld, g.kH, g.kW,
              g.Ho(), g.Wo(), g.args());
  EXPECT_EQ(col, want);
  EXPECT_EQ(back, want_back);
}

TEST(ConvKernels, Im2colAndCol2imMatchNaiveLoopsOnBothPaths) {
  const Geom cases[] = {
      {3, 14, 14, 4, 4, 2, 2, 1, 1, 1, 1},    // DCGAN k4 s2 p1: table
      {2, 7, 7, 4, 4, 2, 2, 1, 1, 1, 1},      // 7x7 output of 4x4: table
      {2, 20, 21, 3, 3, 1, 1, 1, 1, 1, 1},    // long rows, stride 1: row copies
      {2, 20, 40, 3, 2, 2, 1, 2, 0, 1, 3},    // long rows, stride (2, 1), dilation: row copies
      {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1},      // size 1
      {2, 5, 6, 3, 2, 1, 3, 2, 1, 2, 1},      // column stride 3, padding wider than the map
      {1, 3, 30, 5, 5, 1, 1, 2, 2, 1, 1},     // long rows with top and bottom padding
  };
  for (const Geom& g : cases) {
    check_against_naive<float>(g);
    check_against_naive<double>(g);
  }
}

}  // namespace
}  // namespace nabla::kernels
