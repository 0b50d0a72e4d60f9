// The stride-1 f32 kernels (kernels/cpu/conv_s1.cpp, taken by conv2d_* for
// float at stride 1) against the im2col + Eigen reference (conv2d_*_im2col)
// on raw buffers: odd sizes, size 1, 1x1 (the frame in place), padding wider
// than the kernel, a crop (input gradient of padding > dilation (k - 1)),
// dilation, groups, depthwise, more than 256 taps, masked (zero) taps, an
// enlarged transposed output, strided and channel-sliced inputs, inputs
// read in place; non-finite inputs; and the same bits on 1, 2 and 3 threads.
#include "kernels/cpu/conv_s1.h"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "kernels/conv.h"

namespace nabla::kernels::cpu {
namespace {

struct Case {
  int64_t N, C, H, W, Cout, kH, kW, ph, pw, dh, dw, G;
  bool masked = false;  // zero the taps of a PixelCNN type-A mask
  Conv2dArgs args() const {
    Conv2dArgs a;
    a.padding[0] = ph, a.padding[1] = pw, a.dilation[0] = dh, a.dilation[1] = dw, a.groups = G;
    return a;
  }
  int64_t Ho() const { return H + 2 * ph - dh * (kH - 1); }
  int64_t Wo() const { return W + 2 * pw - dw * (kW - 1); }
  int64_t K() const { return C / G * kH * kW; }
};

View<float> view4(float* p, int64_t a, int64_t b, int64_t c, int64_t d, int64_t sa, int64_t sb, int64_t sc,
                  int64_t sd) {
  View<float> v;
  v.data = p, v.ndim = 4;
  const int64_t size[] = {a, b, c, d}, stride[] = {sa, sb, sc, sd};
  for (int i = 0; i < 4; ++i) v.size[i] = size[i], v.stride[i] = stride[i];
  return v;
}
View<float> contiguous4(std::vector<float>& buf, int64_t a, int64_t b, int64_t c, int64_t d) {
  buf.resize(static_cast<size_t>(a * b * c * d));
  return view4(buf.data(), a, b, c, d, b * c * d, c * d, d, 1);
}

void fill_random(std::vector<float>& v, std::mt19937& rng) {
  std::normal_distribution<float> normal;
  for (float& x : v) x = normal(rng);
}

// An input x [N, C, H, W] in one of three layouts over `store`.
enum class Layout { contiguous, strided, sliced };
View<const float> input(std::vector<float>& store, const std::vector<float>& x, const Case& c, Layout layout) {
  const int64_t N = c.N, C = c.C, H = c.H, W = c.W;
  View<float> v;
  if (layout == Layout::contiguous) {
    store = x;
    return view4(store.data(), N, C, H, W, C * H * W, H * W, W, 1).as_const();
  }
  if (layout == Layout::strided) {  // every other column of a buffer twice as wide
    store.assign(x.size() * 2, 7.0f);
    v = view4(store.data(), N, C, H, W, 2 * C * H * W, 2 * H * W, 2 * W, 2);
  } else {  // channels 1 .. C of an image of C + 2 channels
    store.assign(static_cast<size_t>(N * (C + 2) * H * W), 7.0f);
    v = view4(store.data() + H * W, N, C, H, W, (C + 2) * H * W, H * W, W, 1);
  }
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ch = 0; ch < C; ++ch)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t w = 0; w < W; ++w)
          v.data[n * v.stride[0] + ch * v.stride[1] + h * v.stride[2] + w * v.stride[3]] =
              x[((n * C + ch) * H + h) * W + w];
  return v.as_const();
}

// Largest |a - b| / (1 + max |b|); NaN where one is NaN and the other not.
double distance(const std::vector<float>& a, const std::vector<float>& b) {
  double scale = 1, worst = 0;
  for (float v : b)
    if (std::isfinite(v)) scale = std::max(scale, 1.0 + std::abs(v));
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) != std::isnan(b[i])) return std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(a[i]) || a[i] == b[i]) continue;
    worst = std::max(worst, std::abs(double(a[i]) - double(b[i])) / scale);
  }
  return worst;
}

struct Results {
  std::vector<float> y, gx, gw;
};

// The three faces on x (given layout), w, bias, g; im2col: the reference path.
Results run(const Case& c, const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& bias,
            const std::vector<float>& g, Layout layout, bool im2col, int64_t gx_extra = 0) {
  std::vector<float> xs, wc = w, bc = bias, gc = g;
  const View<const float> xv = input(xs, x, c, layout);
  const View<const float> wv = view4(wc.data(), c.Cout, c.C / c.G, c.kH, c.kW, c.C / c.G * c.kH * c.kW,
                                     c.kH * c.kW, c.kW, 1).as_const();
  View<const float> bv, bxv;
  bv.data = bc.data(), bv.ndim = 1, bv.size[0] = c.Cout, bv.stride[0] = 1;
  std::vector<float> bx(static_cast<size_t>(c.C), 0.25f);
  bxv.data = bx.data(), bxv.ndim = 1, bxv.size[0] = c.C, bxv.stride[0] = 1;
  const Conv2dArgs a = c.args();
  Results r;
  const View<float> y = contiguous4(r.y, c.N, c.Cout, c.Ho(), c.Wo());
  (im2col ? conv2d_forward_im2col<float> : conv2d_forward<float>)(y, xv, wv, bv, a);
  const View<const float> gv = view4(gc.data(), c.N, c.Cout, c.Ho(), c.Wo(), c.Cout * c.Ho() * c.Wo(),
                                     c.Ho() * c.Wo(), c.Wo(), 1).as_const();
  const View<float> gx = contiguous4(r.gx, c.N, c.C, c.H + gx_extra, c.W + gx_extra);
  (im2col ? conv2d_backward_input_im2col<float> : conv2d_backward_input<float>)(gx, gv, wv, bxv, a);
  const View<float> gw = contiguous4(r.gw, c.Cout, c.C / c.G, c.kH, c.kW);
  (im2col ? conv2d_backward_weight_im2col<float> : conv2d_backward_weight<float>)(gw, xv, gv, a);
  return r;
}

struct Inputs {
  std::vector<float> x, w, bias, g;
};
Inputs random_inputs(const Case& c, unsigned seed) {
  std::mt19937 rng(seed);
  Inputs in;
  in.x.resize(static_cast<size_t>(c.N * c.C * c.H * c.W));
  in.w.resize(static_cast<size_t>(c.Cout * c.K()));
  in.bias.resize(static_cast<size_t>(c.Cout));
  in.g.resize(static_cast<size_t>(c.N * c.Cout * c.Ho() * c.Wo()));
  for (auto* v : {&in.x, &in.w, &in.bias, &in.g}) fill_random(*v, rng);
  if (c.masked)  // type A: taps from the centre on (row-major) are zero
    for (int64_t o = 0; o < c.Cout * c.C / c.G; ++o)
      for (int64_t t = c.kH / 2 * c.kW + c.kW / 2; t < c.kH * c.kW; ++t) in.w[o * c.kH * c.kW + t] = 0.0f;
  return in;
}

const Case kCases[] = {
    {3, 5, 9, 11, 7, 3, 3, 1, 1, 1, 1, 1},          // odd sizes, 3x3 "same"
    {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1},           // size 1
    {2, 3, 6, 5, 4, 1, 1, 0, 0, 1, 1, 1},           // 1x1: the frame in place
    {2, 4, 8, 7, 6, 3, 3, 1, 2, 1, 1, 2},           // groups, unequal padding
    {2, 4, 9, 9, 4, 3, 3, 2, 2, 2, 2, 4},           // depthwise, dilated
    {2, 3, 5, 5, 5, 5, 5, 3, 3, 1, 1, 1},           // padding past the kernel's half: a larger output
    {2, 2, 6, 4, 3, 5, 5, 0, 2, 1, 1, 1},           // no row padding, a kernel as tall as the output allows
    {2, 2, 6, 6, 3, 2, 2, 2, 2, 1, 1, 1},           // padding > dilation (k - 1): the input gradient crops
    {3, 2, 7, 7, 3, 7, 7, 3, 3, 1, 1, 1, true},     // masked 7x7 (PixelCNN's type A)
    {2, 32, 6, 6, 5, 3, 3, 1, 1, 1, 1, 1},          // 288 taps: two blocks of the forward's sums
    {1, 2, 30, 33, 3, 3, 3, 1, 1, 1, 1, 1},         // long rows, partial last tile
    {2, 3, 8, 9, 2, 2, 3, 1, 0, 1, 3, 1},           // unequal dilation, 2x3 kernel
    {4, 16, 14, 14, 16, 3, 3, 1, 1, 1, 1, 1},       // RealNVP's 3x3 at 14x14
    {3, 5, 4, 6, 7, 1, 1, 0, 0, 1, 1, 1},           // 1x1, 8 | H W: weight gradient reads x and g in place
    {2, 2, 7, 10, 3, 3, 3, 0, 0, 1, 1, 1},          // no padding, 8 | frame positions: x read in place
};

TEST(ConvStride1Kernels, MatchTheIm2colPathOnEveryShapeAndLayout) {
  unsigned seed = 1;
  for (const Case& c : kCases) {
    const Inputs in = random_inputs(c, seed++);
    const Results ref = run(c, in.x, in.w, in.bias, in.g, Layout::contiguous, true);
    for (Layout layout : {Layout::contiguous, Layout::strided, Layout::sliced}) {
      const Results got = run(c, in.x, in.w, in.bias, in.g, layout, false);
      EXPECT_LE(distance(got.y, ref.y), 1e-5) << "forward, case " << seed - 1;
      EXPECT_LE(distance(got.gx, ref.gx), 1e-5) << "input gradient, case " << seed - 1;
      EXPECT_LE(distance(got.gw, ref.gw), 1e-5) << "weight gradient, case " << seed - 1;
    }
  }
}

TEST(ConvStride1Kernels, EnlargedTransposedOutputMatchesTheIm2colPath) {
  // conv_transpose2d with output_padding 1 below the dilation 2: gx one row
  // and column larger than the conv that maps it back to g.
  const Case c{2, 3, 7, 6, 2, 3, 2, 1, 0, 2, 2, 1};
  const Inputs in = random_inputs(c, 5);
  const Results ref = run(c, in.x, in.w, in.bias, in.g, Layout::contiguous, true, 1);
  const Results got = run(c, in.x, in.w, in.bias, in.g, Layout::contiguous, false, 1);
  EXPECT_LE(distance(got.gx, ref.gx), 1e-5);
  EXPECT_NE(ref.gx.back(), 0.0f);  // the extra corner holds the bias at least
}

TEST(ConvStride1Kernels, NonFiniteInputsGiveTheIm2colPathsValues) {
  // A masked kernel (taps left out of the sums) and positions past each row
  // (weight gradient) must not hide an inf: the reference's NaNs and infs.
  for (const Case& c : {kCases[8], kCases[0], kCases[14]}) {
    Inputs in = random_inputs(c, 9);
    in.x[in.x.size() / 2] = std::numeric_limits<float>::infinity();
    in.x[3] = std::numeric_limits<float>::quiet_NaN();
    const Results ref = run(c, in.x, in.w, in.bias, in.g, Layout::contiguous, true);
    for (Layout layout : {Layout::strided, Layout::contiguous}) {
      const Results got = run(c, in.x, in.w, in.bias, in.g, layout, false);
      EXPECT_LE(distance(got.y, ref.y), c.masked ? 0.0 : 1e-5);  // masked: redone by im2col
      EXPECT_EQ(distance(got.gw, ref.gw), 0.0);
    }
    EXPECT_TRUE(std::any_of(ref.y.begin(), ref.y.end(), [](float v) { return std::isnan(v); }));
  }
}

TEST(ConvStride1Kernels, SameBitsOnOneTwoAndThreeThreads) {
  const Case cases[] = {
      {17, 8, 14, 14, 16, 3, 3, 1, 1, 1, 1, 1},
      {9, 16, 12, 12, 16, 3, 3, 1, 1, 1, 1, 2},
      {20, 1, 16, 16, 32, 7, 7, 3, 3, 1, 1, 1, true},
  };
  const int threads = omp_get_max_threads();
  for (const Case& c : cases) {
    const Inputs in = random_inputs(c, 3);
    std::vector<Results> runs;
    for (int t : {1, 2, 3}) {
      omp_set_num_threads(t);
      runs.push_back(run(c, in.x, in.w, in.bias, in.g, Layout::strided, false));
    }
    omp_set_num_threads(threads);
    for (int i = 1; i < 3; ++i) {
      EXPECT_EQ(runs[i].y, runs[0].y) << i + 1 << " threads";
      EXPECT_EQ(runs[i].gx, runs[0].gx) << i + 1 << " threads";
      EXPECT_EQ(runs[i].gw, runs[0].gw) << i + 1 << " threads";
    }
  }
}

}  // namespace
}  // namespace nabla::kernels::cpu
