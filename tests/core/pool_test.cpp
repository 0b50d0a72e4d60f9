// prim pooling and upsampling against plain loops over a padded image.
#include "core/pool.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;

struct Window {
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
};

// Pools x [N, C, H, W] by looking every tap up in a padded copy of the image
// (pad value `fill`); avg divides by the taps or by the in-bounds taps.
Tensor naive_pool(const Tensor& x, const Window& p, bool is_max, bool count_include_pad = true) {
  const Shape s = x.shape();
  const int64_t N = s[0], C = s[1], H = s[2], W = s[3];
  const int64_t OH = (H + 2 * p.ph - p.dh * (p.kh - 1) - 1) / p.sh + 1;
  const int64_t OW = (W + 2 * p.pw - p.dw * (p.kw - 1) - 1) / p.sw + 1;
  const auto v = to_vector<double>(x);
  const double fill = is_max ? -std::numeric_limits<double>::infinity() : 0.0;
  std::vector<double> out;
  for (int64_t q = 0; q < N * C; ++q)
    for (int64_t i = 0; i < OH; ++i)
      for (int64_t j = 0; j < OW; ++j) {
        double acc = fill;
        int64_t inside = 0;
        for (int64_t a = 0; a < p.kh; ++a)
          for (int64_t b = 0; b < p.kw; ++b) {
            const int64_t h = i * p.sh + a * p.dh - p.ph, w = j * p.sw + b * p.dw - p.pw;
            const bool in = h >= 0 && h < H && w >= 0 && w < W;
            const double val = in ? v[(q * H + h) * W + w] : fill;
            inside += in;
            acc = is_max ? std::max(acc, val) : acc + val;
          }
        if (!is_max) acc /= count_include_pad ? double(p.kh * p.kw) : double(inside);
        out.push_back(acc);
      }
  return prim::to(tensor<double>(out, {N, C, OH, OW}), x.dtype());
}

const std::vector<std::pair<Shape, Window>> kCases = {
    {{2, 3, 6, 6}, {2, 2, 2, 2, 0, 0, 1, 1}}, {{1, 2, 5, 7}, {3, 3, 2, 2, 1, 1, 1, 1}},
    {{2, 1, 7, 5}, {3, 2, 1, 2, 1, 0, 1, 1}}, {{1, 2, 9, 8}, {3, 3, 2, 1, 2, 1, 2, 2}},
    {{1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 1, 1}}, {{3, 2, 4, 4}, {4, 4, 4, 4, 2, 2, 1, 1}},
    {{2, 4, 33, 31}, {3, 3, 2, 2, 1, 1, 1, 1}}, {{4, 8, 32, 32}, {3, 3, 1, 1, 1, 1, 1, 1}},  // threaded
};

class PoolCases : public ::testing::TestWithParam<DType> {};

TEST_P(PoolCases, MaxAndAvgMatchLoops) {
  const DType dt = GetParam();
  Generator gen(1);
  for (const auto& [shape, p] : kCases) {
    const Tensor x = randn(shape, dt, &gen);
    SCOPED_TRACE(describe(x) + " kernel " + std::to_string(p.kh) + "x" + std::to_string(p.kw));
    const Size2 k{p.kh, p.kw}, s{p.sh, p.sw}, pad{p.ph, p.pw}, d{p.dh, p.dw};
    const Tensor want_max = naive_pool(x, p, true);
    EXPECT_TRUE(allclose(prim::max_pool2d(x, k, s, pad, d), want_max));
    EXPECT_TRUE(allclose(prim::max_pool2d(noncontiguous(x), k, s, pad, d), want_max));
    if (p.dh == 1 && p.dw == 1) {
      for (bool include : {true, false}) {
        const Tensor want = naive_pool(x, p, false, include);
        EXPECT_TRUE(allclose(prim::avg_pool2d(x, k, s, pad, include), want, 1e-5, 1e-6));
        EXPECT_TRUE(allclose(prim::avg_pool2d(noncontiguous(x), k, s, pad, include), want, 1e-5, 1e-6));
      }
    }
  }
}

TEST_P(PoolCases, UpsampleRepeatsPixels) {
  const DType dt = GetParam();
  const Tensor x = randn({2, 3, 4, 5}, dt);
  const Tensor y = prim::upsample_nearest2d(noncontiguous(x), {2, 3});
  ASSERT_EQ(y.shape(), (Shape{2, 3, 8, 15}));
  const auto xv = to_vector<double>(x), yv = to_vector<double>(y);
  for (int64_t q = 0; q < 6; ++q)
    for (int64_t i = 0; i < 8; ++i)
      for (int64_t j = 0; j < 15; ++j) ASSERT_EQ(yv[(q * 8 + i) * 15 + j], xv[(q * 4 + i / 2) * 5 + j / 3]);
}

INSTANTIATE_TEST_SUITE_P(Pool, PoolCases, ::testing::Values(DType::f32, DType::f64));

TEST(Pool, ThreeDimensionalInputKeepsItsRank) {
  const Tensor x = randn({3, 4, 4}, DType::f64);
  const Tensor y = prim::max_pool2d(x, 2);
  EXPECT_EQ(y.shape(), (Shape{3, 2, 2}));
  EXPECT_TRUE(allclose(y, prim::squeeze(prim::max_pool2d(prim::unsqueeze(x, 0), 2), 0)));
  EXPECT_EQ(prim::avg_pool2d(x, 2).shape(), (Shape{3, 2, 2}));
  EXPECT_EQ(prim::upsample_nearest2d(x, 2).shape(), (Shape{3, 8, 8}));
}

TEST(Pool, HandComputedMaxWithIndices) {
  const Tensor x = tensor<double>({1, 5, 2, 0, 3, 4, 9, 8, 7, 6, 1, 2, 0, 3, 4, 5}, {1, 1, 4, 4});
  const auto [y, idx] = prim::max_pool2d_with_indices(x, 2);
  EXPECT_TRUE(allclose(y, tensor<double>({5, 9, 7, 5}, {1, 1, 2, 2})));
  EXPECT_EQ(to_vector<int64_t>(idx), (std::vector<int64_t>{1, 6, 8, 15}));
  const Tensor g = tensor<double>({1, 2, 3, 4}, {1, 1, 2, 2});
  const Tensor gi = prim::max_pool2d_backward(g, idx, x.shape());
  EXPECT_TRUE(allclose(gi, tensor<double>({0, 1, 0, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0, 4}, {1, 1, 4, 4})));
  EXPECT_TRUE(allclose(prim::max_pool2d_gather(gi, idx), g));
}

TEST(Pool, MaxPoolPropagatesNaN) {
  const Tensor x = tensor<double>({1, NAN, 2, 3}, {1, 1, 2, 2});
  EXPECT_TRUE(std::isnan(prim::max_pool2d(x, 2).item()));
}

TEST(Pool, UpsampleToSizeUsesFloorIndex) {
  const Tensor x = tensor<double>({1, 2, 3}, {1, 1, 1, 3});
  // out j reads x[floor(j * 3 / 5)] = x[0, 0, 1, 1, 2].
  EXPECT_TRUE(allclose(prim::upsample_nearest2d_to(x, {1, 5}), tensor<double>({1, 1, 2, 2, 3}, {1, 1, 1, 5})));
}

double dot(const Tensor& a, const Tensor& b) {
  const auto x = to_vector<double>(a), y = to_vector<double>(b);
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i) s += x[i] * y[i];
  return s;
}

// <F x, g> = <x, F* g> for each linear op F and its backward F*.
void check_adjoints(const Tensor& x, Generator& gen) {
  auto near = [](double a, double b) { EXPECT_NEAR(a, b, 1e-10 * (1 + std::abs(b))); };
  for (bool include : {true, false}) {
    const Tensor y = prim::avg_pool2d(x, 3, 2, 1, include);
    const Tensor g = randn(y.shape(), DType::f64, &gen);
    near(dot(y, g), dot(x, prim::avg_pool2d_backward(g, x.shape(), 3, 2, 1, include)));
  }
  const Tensor u = prim::upsample_nearest2d_to(x, {2 * x.size(2) + 1, x.size(3) + 3});
  const Tensor gu = randn(u.shape(), DType::f64, &gen);
  near(dot(u, gu), dot(x, prim::upsample_nearest2d_backward(gu, x.shape())));
  const auto [m, idx] = prim::max_pool2d_with_indices(x, 3, 1, 1);
  const Tensor gm = randn(m.shape(), DType::f64, &gen);
  near(dot(prim::max_pool2d_gather(x, idx), gm), dot(x, prim::max_pool2d_backward(gm, idx, x.shape())));
  EXPECT_TRUE(allclose(prim::max_pool2d_gather(x, idx), m));
}

TEST(Pool, BackwardOpsAreAdjoints) {
  Generator gen(4);
  for (const Shape& shape : {Shape{2, 2, 7, 6}, Shape{4, 8, 32, 30}}) {  // the second is threaded
    SCOPED_TRACE(str(shape));
    check_adjoints(randn(shape, DType::f64, &gen), gen);
  }
}

TEST(Pool, BadArgumentsNameTheOp) {
  const Tensor x = zeros({1, 1, 4, 4});
  EXPECT_THROW_MESSAGE(prim::max_pool2d(zeros({4, 4}), 2), std::invalid_argument,
                       "max_pool2d: expected a 3-D [C, H, W] or 4-D");
  EXPECT_THROW_MESSAGE(prim::max_pool2d(x, 5), std::invalid_argument,
                       "max_pool2d: kernel (5, 5) is larger than the padded input 4x4");
  EXPECT_THROW_MESSAGE(prim::avg_pool2d(x, 3, 1, 2), std::invalid_argument, "avg_pool2d: padding (2, 2) must be");
  EXPECT_THROW_MESSAGE(prim::max_pool2d(x, 0), std::invalid_argument,
                       "max_pool2d: kernel, stride and dilation must be positive");
  EXPECT_THROW_MESSAGE(prim::max_pool2d(x, 2, {1, -1}), std::invalid_argument, "must be positive");
  EXPECT_THROW_MESSAGE(prim::max_pool2d(zeros({1, 1, 4, 4}, DType::i64), 2), std::invalid_argument, "max_pool2d");
  EXPECT_THROW_MESSAGE(prim::upsample_nearest2d(x, 0), std::invalid_argument,
                       "upsample_nearest2d: scale factor must be positive");
  EXPECT_THROW_MESSAGE(prim::upsample_nearest2d_to(x, {3, 0}), std::invalid_argument,
                       "upsample_nearest2d: output size");
  const auto [y, idx] = prim::max_pool2d_with_indices(x, 2);
  EXPECT_THROW_MESSAGE(prim::max_pool2d_backward(y, prim::to(idx, DType::f32), x.shape()), std::invalid_argument,
                       "expected i64 indices");
  EXPECT_THROW_MESSAGE(prim::max_pool2d_backward(y, idx, {1, 2, 4, 4}), std::invalid_argument,
                       "max_pool2d_backward: gradient");
  EXPECT_THROW_MESSAGE(prim::max_pool2d_gather(x, prim::to(tensor<double>({16}, {1, 1, 1, 1}), DType::i64)),
                       std::invalid_argument, "out of range");
  EXPECT_THROW_MESSAGE(prim::avg_pool2d_backward(zeros({1, 1, 3, 3}), x.shape(), 2), std::invalid_argument,
                       "avg_pool2d_backward");
}

}  // namespace
}  // namespace nabla
