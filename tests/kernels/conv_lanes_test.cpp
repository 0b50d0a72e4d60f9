// The image-interleaved f32 kernels (kernels/cpu/conv_lanes.cpp, taken by
// conv2d_forward / conv2d_forward_act / conv2d_backward_input for float at
// column stride > 1 on batches of at least kLaneImages) against the same
// calls one image at a time (the paths they replace: conv_f32.cpp's blocks,
// conv.cpp's GEMM + col2im), bitwise, and against the im2col + Eigen
// reference: DCGAN's k4 s2 p1, channels 1, odd sizes, padding 0 and 2,
// dilation, groups, a 1x1 output, more than 256 taps, a batch that is not a
// multiple of the block, strided inputs, non-finite inputs, 1 and 3 threads.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/conv.h"
#include "kernels/cpu/conv_f32.h"
#include "kernels/fused_act.h"

namespace nabla::kernels::cpu {
namespace {

// x [N, C, H, W], w [Cout, C / G, kH, kW], y [N, Cout, Ho, Wo].
struct Case {
  int64_t N, C, H, W, Cout, kH, kW, sh, sw, ph, pw, dh, dw, G;
  Conv2dArgs args() const {
    Conv2dArgs a;
    a.stride[0] = sh, a.stride[1] = sw, a.padding[0] = ph, a.padding[1] = pw, a.dilation[0] = dh,
    a.dilation[1] = dw, a.groups = G;
    return a;
  }
  int64_t Ho() const { return (H + 2 * ph - dh * (kH - 1) - 1) / sh + 1; }
  int64_t Wo() const { return (W + 2 * pw - dw * (kW - 1) - 1) / sw + 1; }
  std::string str() const {
    return "N" + std::to_string(N) + " C" + std::to_string(C) + " " + std::to_string(H) + "x" + std::to_string(W) +
           " Cout" + std::to_string(Cout) + " k" + std::to_string(kH) + "x" + std::to_string(kW) + " G" +
           std::to_string(G);
  }
};

View<float> view4(float* p, const int64_t (&size)[4], const int64_t (&stride)[4]) {
  View<float> v;
  v.data = p, v.ndim = 4;
  for (int i = 0; i < 4; ++i) v.size[i] = size[i], v.stride[i] = stride[i];
  return v;
}
View<float> dense(float* p, int64_t a, int64_t b, int64_t c, int64_t d) {
  return view4(p, {a, b, c, d}, {b * c * d, c * d, d, 1});
}
View<const float> vec(const std::vector<float>& v) {
  View<const float> r;
  r.data = v.empty() ? nullptr : v.data(), r.ndim = 1, r.size[0] = static_cast<int64_t>(v.size()), r.stride[0] = 1;
  return r;
}

// Random operands of a case: x, w, bias [Cout] (forward); g [N, Cout, Ho, Wo], xbias [C] (input gradient).
struct Data {
  std::vector<float> x, w, bias, g, xbias;
  Data(const Case& c, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    auto fill = [&](std::vector<float>& v, int64_t n) {
      v.resize(static_cast<size_t>(n));
      for (float& e : v) e = normal(rng);
    };
    fill(x, c.N * c.C * c.H * c.W), fill(w, c.Cout * c.C / c.G * c.kH * c.kW), fill(bias, c.Cout);
    fill(g, c.N * c.Cout * c.Ho() * c.Wo()), fill(xbias, c.C);
  }
};

enum class Layout { contiguous, strided };

std::vector<float> forward(const Data& d, const Case& c, Layout layout, Activation act) {
  std::vector<float> out(static_cast<size_t>(c.N * c.Cout * c.Ho() * c.Wo()), -7.0f), store;
  View<const float> x = dense(const_cast<float*>(d.x.data()), c.N, c.C, c.H, c.W).as_const();
  if (layout == Layout::strided) {  // every other float of a buffer twice as wide
    store.assign(d.x.size() * 2, 0.0f);
    for (size_t i = 0; i < d.x.size(); ++i) store[2 * i] = d.x[i];
    x = view4(store.data(), {c.N, c.C, c.H, c.W}, {2 * c.C * c.H * c.W, 2 * c.H * c.W, 2 * c.W, 2}).as_const();
  }
  const View<const float> w = dense(const_cast<float*>(d.w.data()), c.Cout, c.C / c.G, c.kH, c.kW).as_const();
  const View<float> y = dense(out.data(), c.N, c.Cout, c.Ho(), c.Wo());
  if (act.kind == Act::identity)
    conv2d_forward<float>(y, x, w, vec(d.bias), c.args());
  else
    conv2d_forward_act<float>(y, x, w, vec(d.bias), c.args(), act);
  return out;
}

// The same, one call per image (batches of 1: the paths before conv_lanes.cpp).
std::vector<float> forward_per_image(const Data& d, const Case& c, Activation act) {
  Case one = c;
  one.N = 1;
  std::vector<float> out;
  const int64_t xs = c.C * c.H * c.W, ys = c.Cout * c.Ho() * c.Wo();
  for (int64_t n = 0; n < c.N; ++n) {
    Data dn = d;
    dn.x.assign(d.x.begin() + n * xs, d.x.begin() + (n + 1) * xs);
    const std::vector<float> y = forward(dn, one, Layout::contiguous, act);
    EXPECT_EQ(static_cast<int64_t>(y.size()), ys);
    out.insert(out.end(), y.begin(), y.end());
  }
  return out;
}

std::vector<float> forward_im2col(const Data& d, const Case& c) {
  std::vector<float> out(static_cast<size_t>(c.N * c.Cout * c.Ho() * c.Wo()));
  conv2d_forward_im2col<float>(dense(out.data(), c.N, c.Cout, c.Ho(), c.Wo()),
                               dense(const_cast<float*>(d.x.data()), c.N, c.C, c.H, c.W).as_const(),
                               dense(const_cast<float*>(d.w.data()), c.Cout, c.C / c.G, c.kH, c.kW).as_const(),
                               vec(d.bias), c.args());
  return out;
}

template <class F>
std::vector<float> input_grad_with(const Data& d, const Case& c, F&& kernel) {
  std::vector<float> gx(static_cast<size_t>(c.N * c.C * c.H * c.W), -7.0f);
  kernel(dense(gx.data(), c.N, c.C, c.H, c.W),
         dense(const_cast<float*>(d.g.data()), c.N, c.Cout, c.Ho(), c.Wo()).as_const(),
         dense(const_cast<float*>(d.w.data()), c.Cout, c.C / c.G, c.kH, c.kW).as_const(), vec(d.xbias), c.args());
  return gx;
}
std::vector<float> input_grad(const Data& d, const Case& c) {
  return input_grad_with(d, c, conv2d_backward_input<float>);
}
std::vector<float> input_grad_im2col(const Data& d, const Case& c) {
  return input_grad_with(d, c, conv2d_backward_input_im2col<float>);
}
std::vector<float> input_grad_per_image(const Data& d, const Case& c) {
  Case one = c;
  one.N = 1;
  std::vector<float> out;
  const int64_t gs = c.Cout * c.Ho() * c.Wo();
  for (int64_t n = 0; n < c.N; ++n) {
    Data dn = d;
    dn.g.assign(d.g.begin() + n * gs, d.g.begin() + (n + 1) * gs);
    const std::vector<float> gx = input_grad(dn, one);
    out.insert(out.end(), gx.begin(), gx.end());
  }
  return out;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}
bool near(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(std::abs(a[i] - b[i]) <= 2e-4f + 1e-4f * std::abs(b[i]))) return false;
  return true;
}

const Case kCases[] = {
    {8, 5, 14, 14, 7, 4, 4, 2, 2, 1, 1, 1, 1, 1},    // DCGAN's D.conv2 / G's transposed conv
    {9, 1, 28, 28, 3, 4, 4, 2, 2, 1, 1, 1, 1, 1},    // channels 1, one image past a block
    {11, 4, 9, 7, 6, 3, 3, 2, 2, 0, 0, 1, 1, 2},     // odd sizes, padding 0, groups
    {16, 3, 7, 8, 2, 5, 5, 1, 2, 2, 2, 1, 2, 1},     // padding 2, dilation, two blocks
    {10, 2, 1, 5, 3, 1, 2, 1, 2, 0, 0, 1, 1, 1},     // size-1 rows
    {8, 3, 4, 4, 5, 4, 4, 2, 2, 0, 0, 1, 1, 1},      // a 1x1 output
    {13, 20, 6, 6, 3, 4, 4, 2, 2, 1, 1, 1, 1, 1},    // 320 taps: two 256-blocks
};

TEST(ConvLanes, ForwardIsBitwiseTheOneImagePathAndNearIm2col) {
  for (const Case& c : kCases)
    for (Layout layout : {Layout::contiguous, Layout::strided}) {
      Data d(c, 1);
      const std::vector<float> batch = forward(d, c, layout, {});
      EXPECT_TRUE(same_bits(batch, forward_per_image(d, c, {}))) << c.str();
      EXPECT_TRUE(near(batch, forward_im2col(d, c))) << c.str();
      const Activation leaky{Act::leaky_relu, 0.2};
      EXPECT_TRUE(same_bits(forward(d, c, layout, leaky), forward_per_image(d, c, leaky))) << c.str();
    }
}

TEST(ConvLanes, InputGradientIsBitwiseTheOneImagePathAndNearIm2col) {
  for (const Case& c : kCases)
    for (bool with_bias : {true, false}) {
      Data d(c, 2);
      if (!with_bias) d.xbias.clear();
      const std::vector<float> batch = input_grad(d, c);
      EXPECT_TRUE(same_bits(batch, input_grad_per_image(d, c))) << c.str();
      EXPECT_TRUE(near(batch, input_grad_im2col(d, c))) << c.str();
    }
}

TEST(ConvLanes, NonFiniteInputsGiveTheOneImagePathsBits) {
  const Case c = kCases[0];
  Data d(c, 3);
  d.x[5] = std::numeric_limits<float>::infinity();
  d.x[700] = std::numeric_limits<float>::quiet_NaN();
  d.g[3] = -std::numeric_limits<float>::infinity();
  d.g[400] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> y = forward(d, c, Layout::contiguous, {});
  EXPECT_TRUE(same_bits(y, forward_per_image(d, c, {})));
  EXPECT_TRUE(std::any_of(y.begin(), y.end(), [](float v) { return std::isnan(v); }));
  const std::vector<float> gx = input_grad(d, c);
  EXPECT_TRUE(same_bits(gx, input_grad_per_image(d, c)));
  EXPECT_TRUE(std::any_of(gx.begin(), gx.end(), [](float v) { return std::isnan(v); }));
}

// Batches of fewer than 8, empty maps and buffers over the budget keep the old paths.
TEST(ConvLanes, TakenForWholeBlocksWithinTheBudget) {
  EXPECT_TRUE(lanes_suit(kLaneImages, 49, 196, kLaneBudget));
  EXPECT_FALSE(lanes_suit(kLaneImages - 1, 49, 196, 1000));
  EXPECT_FALSE(lanes_suit(kLaneImages, 0, 196, 1000));
  EXPECT_FALSE(lanes_suit(kLaneImages, 49, 0, 1000));
  EXPECT_FALSE(lanes_suit(kLaneImages, 49, 196, kLaneBudget + 1));
}

TEST(ConvLanes, SameBitsOnOneAndThreeThreads) {
  const Case c{21, 6, 10, 10, 8, 4, 4, 2, 2, 1, 1, 1, 1, 1};
  Data d(c, 4);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const std::vector<float> y1 = forward(d, c, Layout::contiguous, {}), g1 = input_grad(d, c);
  omp_set_num_threads(3);
  const std::vector<float> y3 = forward(d, c, Layout::contiguous, {}), g3 = input_grad(d, c);
  omp_set_num_threads(threads);
  EXPECT_TRUE(same_bits(y1, y3));
  EXPECT_TRUE(same_bits(g1, g3));
}

}  // namespace
}  // namespace nabla::kernels::cpu
