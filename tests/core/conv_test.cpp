#include "core/conv.h"

#include <omp.h>

#include <functional>
#include <string>

#include "tests/core/conv_reference.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

using Case = testing::ConvCase;

// Conv weights are [C_out, C_in/groups, kH, kW].
const Case kConvCases[] = {
    {{2, 3, 7, 7}, {4, 3, 3, 3}, {}},
    {{1, 1, 5, 6}, {1, 1, 3, 2}, {.stride = {2, 2}}},
    {{2, 4, 8, 7}, {6, 2, 3, 3}, {.stride = {2, 1}, .padding = {1, 2}, .groups = 2}},
    {{2, 4, 9, 9}, {4, 1, 3, 3}, {.padding = {2, 2}, .dilation = {2, 2}, .groups = 4}},  // depthwise
    {{3, 2, 6, 5}, {3, 2, 2, 3}, {.stride = {2, 2}, .padding = {1, 0}, .dilation = {1, 2}}},
    {{1, 6, 5, 5}, {3, 2, 1, 1}, {.groups = 3}},
    {{2, 2, 4, 4}, {2, 2, 5, 5}, {.padding = {2, 2}}},
};

// Transposed weights are [C_in, C_out/groups, kH, kW].
const Case kTransposeCases[] = {
    {{2, 3, 4, 4}, {3, 2, 3, 3}, {}},
    {{1, 1, 3, 5}, {1, 1, 3, 3}, {.stride = {2, 2}, .padding = {1, 1}, .output_padding = {1, 1}}},
    {{2, 4, 3, 4}, {4, 3, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}, .groups = 2}},
    {{2, 4, 5, 5}, {4, 1, 3, 3}, {.stride = {2, 1}, .padding = {2, 0}, .dilation = {2, 1}, .groups = 4, .output_padding = {1, 0}}},
    {{1, 2, 4, 3}, {2, 3, 3, 2}, {.dilation = {2, 2}, .output_padding = {1, 1}}},  // output_padding >= stride
    {{3, 2, 3, 3}, {2, 2, 2, 2}, {.stride = {3, 2}, .padding = {0, 1}, .output_padding = {2, 1}}},
};

double rtol(DType t) { return t == DType::f32 ? 1e-4 : 1e-10; }
double atol(DType t) { return t == DType::f32 ? 2e-4 : 1e-10; }

// x sliced out of a buffer twice as wide: a strided (non-contiguous) view.
Tensor strided(const Tensor& x) {
  Shape big = x.shape();
  big[3] *= 2;
  Tensor buf = zeros(big, Options::like(x));
  Tensor v = prim::slice(buf, 3, 0, big[3], 2);
  prim::copy_(v, x);
  return v;
}

using Layout = std::function<Tensor(const Tensor&)>;
const std::pair<const char*, Layout> kLayouts[] = {
    {"contiguous", [](const Tensor& t) { return t; }},
    {"transposed", [](const Tensor& t) { return testing::noncontiguous(t); }},
    {"strided", strided},
};

TEST(ConvPrim, Conv2dMatchesDirectLoops) {
  for (DType dt : {DType::f32, DType::f64})
    for (const Case& c : kConvCases) {
      const Tensor x = randn(c.x, dt), w = randn(c.w, dt), b = randn({c.w[0]}, dt);
      for (bool with_bias : {false, true}) {
        const Tensor bias = with_bias ? b : Tensor();
        const Tensor ref = testing::naive_conv2d(x, w, bias, c.p);
        for (const auto& [name, layout] : kLayouts) {
          const Tensor y = prim::conv2d(layout(x), layout(w), bias, c.p);
          EXPECT_EQ(y.dtype(), dt);
          EXPECT_TRUE(allclose(y, ref, rtol(dt), atol(dt)))
              << describe(x) << " " << describe(w) << " " << name;
        }
      }
    }
}

TEST(ConvPrim, ConvTranspose2dMatchesDirectLoops) {
  for (DType dt : {DType::f32, DType::f64})
    for (const Case& c : kTransposeCases) {
      const Tensor x = randn(c.x, dt), w = randn(c.w, dt), b = randn({c.w[1] * c.p.groups}, dt);
      for (bool with_bias : {false, true}) {
        const Tensor bias = with_bias ? b : Tensor();
        const Tensor ref = testing::naive_conv_transpose2d(x, w, bias, c.p);
        for (const auto& [name, layout] : kLayouts) {
          const Tensor y = prim::conv_transpose2d(layout(x), layout(w), bias, c.p);
          EXPECT_TRUE(allclose(y, ref, rtol(dt), atol(dt)))
              << describe(x) << " " << describe(w) << " " << name;
        }
      }
    }
}

TEST(ConvPrim, Conv2dWeightMatchesDirectLoops) {
  for (DType dt : {DType::f32, DType::f64})
    for (const Case& c : kConvCases) {
      const Tensor x = randn(c.x, dt);
      const Shape ys = prim::conv2d(x, zeros(c.w, dt), {}, c.p).shape();
      const Tensor g = randn(ys, dt);
      const Tensor ref = testing::naive_conv2d_weight(x, g, c.w, c.p);
      for (const auto& [name, layout] : kLayouts) {
        const Tensor gw = prim::conv2d_weight(layout(x), layout(g), c.w, c.p);
        EXPECT_TRUE(allclose(gw, ref, rtol(dt), 10 * atol(dt)))
            << describe(x) << " " << str(c.w) << " " << name;
      }
    }
}

// The DCGAN-28 layers (k4 s2 p1) on a batch of 2, f32: shapes and values.
TEST(ConvPrim, DcganLayers) {
  const Conv2dParams p{.stride = {2, 2}, .padding = {1, 1}};
  using Conv = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, const Conv2dParams&);
  // Output channels are dim 0 of a conv weight, dim 1 of a transposed one.
  auto check = [&](const Case& c, const Shape& out, Conv op, Conv naive, int out_channel_dim) {
    const Tensor x = randn(c.x), w = randn(c.w), b = randn({c.w[out_channel_dim]});
    const Tensor y = op(x, w, b, p);
    EXPECT_EQ(y.shape(), out);
    EXPECT_TRUE(allclose(y, naive(x, w, b, p), 1e-4, 2e-4));
  };
  const Conv up = prim::conv_transpose2d, naive_up = testing::naive_conv_transpose2d;
  check({{2, 1, 28, 28}, {64, 1, 4, 4}, p}, {2, 64, 14, 14}, prim::conv2d, testing::naive_conv2d, 0);
  check({{2, 64, 14, 14}, {128, 64, 4, 4}, p}, {2, 128, 7, 7}, prim::conv2d, testing::naive_conv2d, 0);
  check({{2, 128, 7, 7}, {128, 64, 4, 4}, p}, {2, 64, 14, 14}, up, naive_up, 1);
  check({{2, 64, 14, 14}, {64, 1, 4, 4}, p}, {2, 1, 28, 28}, up, naive_up, 1);
}

TEST(ConvPrim, EmptyBatchGivesEmptyOutput) {
  const Tensor y = prim::conv2d(zeros({0, 2, 5, 5}), ones({3, 2, 3, 3}), ones({3}), {});
  EXPECT_EQ(y.shape(), (Shape{0, 3, 3, 3}));
  EXPECT_EQ(prim::conv2d_weight(zeros({0, 2, 5, 5}), zeros({0, 3, 3, 3}), {3, 2, 3, 3}).shape(),
            (Shape{3, 2, 3, 3}));
}

TEST(ConvPrim, WeightGradientIsTheSameOnAnyThreadCount) {
  const Tensor x = randn({16, 8, 12, 12}), g = randn({16, 16, 10, 10});
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = to_vector<float>(prim::conv2d_weight(x, g, {16, 8, 3, 3}));
  omp_set_num_threads(3);
  const auto three = to_vector<float>(prim::conv2d_weight(x, g, {16, 8, 3, 3}));
  omp_set_num_threads(threads);
  EXPECT_EQ(one, three);  // bitwise
  EXPECT_TRUE(allclose(tensor<float>(one, {16, 8, 3, 3}), testing::naive_conv2d_weight(x, g, {16, 8, 3, 3}, {}),
                       1e-4, 1e-3));
}

// A batch of 19 goes through the forward and input-gradient GEMMs in blocks
// of 3 images side by side, the last block holding one: every layout, with
// groups and bias, against the direct loops, and the same bits on any
// thread count.
TEST(ConvPrim, BlocksOfImagesMatchDirectLoopsOnAnyThreadCount) {
  const Conv2dParams p{.stride = {2, 1}, .padding = {1, 1}, .groups = 2};
  const int threads = omp_get_max_threads();
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor x = randn({19, 4, 7, 6}, dt), w = randn({6, 2, 3, 3}, dt), b = randn({6}, dt);
    const Tensor wt = randn({4, 3, 3, 3}, dt), bt = randn({6}, dt);
    const Tensor ref = testing::naive_conv2d(x, w, b, p);
    const Tensor ref_t = testing::naive_conv_transpose2d(x, wt, bt, p);
    for (const auto& [name, layout] : kLayouts) {
      EXPECT_TRUE(allclose(prim::conv2d(layout(x), layout(w), b, p), ref, rtol(dt), atol(dt))) << name;
      EXPECT_TRUE(allclose(prim::conv_transpose2d(layout(x), layout(wt), bt, p), ref_t, rtol(dt), atol(dt))) << name;
    }
    omp_set_num_threads(1);
    const Tensor y1 = prim::conv2d(x, w, b, p), t1 = prim::conv_transpose2d(x, wt, bt, p);
    omp_set_num_threads(3);
    const Tensor y3 = prim::conv2d(x, w, b, p), t3 = prim::conv_transpose2d(x, wt, bt, p);
    omp_set_num_threads(threads);
    EXPECT_TRUE(allclose(y1, y3, 0, 0));  // bitwise
    EXPECT_TRUE(allclose(t1, t3, 0, 0));
  }
}

TEST(ConvPrim, BadShapesNameTheOp) {
  const Tensor w = zeros({4, 3, 3, 3});
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({3, 28, 28}), w, {}), std::invalid_argument,
                       "conv2d: expected input with 4 dims [N, C, H, W], got f32[3, 28, 28]");
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({1, 3, 8, 8}), zeros({4, 3, 3}), {}), std::invalid_argument,
                       "conv2d: expected weight with 4 dims");
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({2, 2, 8, 8}), w, {}), std::invalid_argument,
                       "conv2d: input f32[2, 2, 8, 8] has 2 channels, but weight f32[4, 3, 3, 3] with groups=1 "
                       "expects 3");
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({2, 6, 8, 8}), zeros({3, 3, 3, 3}), {}, {.groups = 2}),
                       std::invalid_argument, "conv2d: weight's output channels (3) is not divisible by groups (2)");
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({1, 3, 2, 8}), w, {}), std::invalid_argument, "conv2d: output size would be");
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({1, 3, 8, 8}), w, zeros({3})), std::invalid_argument,
                       "conv2d: expected bias of shape [4]");
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({1, 3, 8, 8}), w, {}, {.stride = {0, 1}}), std::invalid_argument,
                       "conv2d: expected stride >= 1, got {0, 1}");
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({1, 3, 8, 8}), w, {}, {.output_padding = {1, 1}}), std::invalid_argument,
                       "conv2d: output_padding applies to conv_transpose2d only");
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({1, 3, 8, 8}, DType::f64), w, {}), std::invalid_argument,
                       "conv2d: expected tensors of one dtype");
  EXPECT_THROW_MESSAGE(prim::conv2d(zeros({1, 3, 8, 8}, DType::i64), zeros({4, 3, 3, 3}, DType::i64), {}),
                       std::invalid_argument, "conv2d: expected a floating dtype");
}

TEST(ConvPrim, BadTransposeAndWeightShapesNameTheOp) {
  EXPECT_THROW_MESSAGE(
      prim::conv_transpose2d(zeros({1, 4, 5, 5}), zeros({4, 2, 3, 3}), {},
                             {.stride = {2, 2}, .output_padding = {2, 2}}),
      std::invalid_argument,
      "conv_transpose2d: output_padding {2, 2} must be smaller than stride {2, 2} or dilation {1, 1}");
  EXPECT_THROW_MESSAGE(prim::conv_transpose2d(zeros({1, 3, 5, 5}), zeros({4, 2, 3, 3}), {}), std::invalid_argument,
                       "conv_transpose2d: input f32[1, 3, 5, 5] has 3 channels, but weight f32[4, 2, 3, 3] expects 4");
  EXPECT_THROW_MESSAGE(prim::conv_transpose2d(zeros({1, 3, 5, 5}), zeros({3, 2, 3, 3}), {}, {.groups = 2}),
                       std::invalid_argument, "conv_transpose2d: input channels (3) is not divisible by groups (2)");
  EXPECT_THROW_MESSAGE(prim::conv_transpose2d(zeros({1, 4, 5, 5}), zeros({4, 2, 3, 3}), zeros({3}), {.groups = 2}),
                       std::invalid_argument, "conv_transpose2d: expected bias of shape [4]");
  EXPECT_THROW_MESSAGE(prim::conv_transpose2d(zeros({1, 4, 1, 1}), zeros({4, 2, 3, 3}), {}, {.padding = {2, 2}}),
                       std::invalid_argument, "conv_transpose2d: output size would be [-1, -1]");
  EXPECT_THROW_MESSAGE(prim::conv2d_weight(zeros({2, 3, 8, 8}), zeros({2, 4, 5, 6}), {4, 3, 3, 3}),
                       std::invalid_argument,
                       "conv2d_weight: input f32[2, 3, 8, 8] and weight_shape [4, 3, 3, 3] with groups=1 expect grad_out "
                       "of shape [2, 4, 6, 6], got f32[2, 4, 5, 6]");
  EXPECT_THROW_MESSAGE(prim::conv2d_weight(zeros({2, 3, 8, 8}), zeros({2, 4, 6, 6}), {4, 3, 3}),
                       std::invalid_argument, "conv2d_weight: expected weight_shape");
}

// The f32 fast path (column stride > 1: kernels/cpu/conv_f32.cpp and the
// packed SGEMM): 4x4 taps (vector gathers), image blocks whose 16-column
// panels straddle two images, edge panels, groups, 5x5 taps (panels crossing
// channels), inner dimensions of several 256-blocks; forward, weight gradient
// and input gradient (conv_transpose2d) in every layout against the direct
// loops, and the same bits on 1, 2 and 3 threads.
TEST(ConvPrim, F32FastPathMatchesDirectLoopsOnAnyThreadCount) {
  const Conv2dParams s2p1{.stride = {2, 2}, .padding = {1, 1}};
  const Case cases[] = {
      {{3, 5, 9, 9}, {7, 5, 4, 4}, s2p1},
      {{17, 3, 10, 11}, {5, 3, 4, 4}, s2p1},
      {{4, 4, 8, 8}, {6, 2, 4, 4}, {.stride = {1, 2}, .padding = {2, 2}, .groups = 2}},
      {{2, 3, 9, 9}, {4, 3, 5, 5}, {.stride = {1, 2}, .padding = {2, 2}, .dilation = {1, 2}}},
      {{2, 20, 6, 6}, {3, 20, 4, 4}, s2p1},
      {{20, 1, 40, 40}, {2, 1, 4, 4}, s2p1},
  };
  const int threads = omp_get_max_threads();
  for (const Case& c : cases) {
    const Tensor x = randn(c.x), w = randn(c.w), b = randn({c.w[0]});
    const Tensor ref = testing::naive_conv2d(x, w, b, c.p);
    const Tensor g = randn(ref.shape());
    const Tensor ref_w = testing::naive_conv2d_weight(x, g, c.w, c.p);
    // conv_transpose2d of g with w: the input gradient's kernel, back to x's size.
    Conv2dParams tp = c.p;
    for (int d = 0; d < 2; ++d)
      tp.output_padding[d] = c.x[2 + d] - ((ref.size(2 + d) - 1) * c.p.stride[d] - 2 * c.p.padding[d] +
                                           c.p.dilation[d] * (c.w[2 + d] - 1) + 1);
    const Tensor bt = randn({c.x[1]});
    const Tensor ref_t = testing::naive_conv_transpose2d(g, w, bt, tp);
    for (const auto& [name, layout] : kLayouts) {
      EXPECT_TRUE(allclose(prim::conv2d(layout(x), w, b, c.p), ref, 1e-4, 2e-4)) << describe(x) << " " << name;
      EXPECT_TRUE(allclose(prim::conv2d_weight(layout(x), g, c.w, c.p), ref_w, 1e-4, 2e-3))
          << describe(x) << " " << name;
      EXPECT_TRUE(allclose(prim::conv_transpose2d(layout(g), w, bt, tp), ref_t, 1e-4, 2e-4))
          << describe(x) << " " << name;
    }
    std::vector<std::vector<float>> runs;
    for (int t : {1, 2, 3}) {
      omp_set_num_threads(t);
      for (const Tensor& r : {prim::conv2d(x, w, b, c.p), prim::conv2d_weight(x, g, c.w, c.p),
                              prim::conv_transpose2d(g, w, bt, tp)})
        runs.push_back(to_vector<float>(r));
    }
    omp_set_num_threads(threads);
    for (size_t i = 3; i < runs.size(); ++i) EXPECT_EQ(runs[i], runs[i % 3]) << describe(x) << " run " << i;  // bitwise
  }
}

}  // namespace
}  // namespace nabla
