// Randomized properties of the f32 convolutions (the stride > 1 fast paths
// of kernels/cpu/conv_lanes.cpp and conv_f32.cpp, and whatever else a drawn
// geometry takes), through the prim ops, on fixed seeds: for a few hundred
// geometries (batch 1..20 around and across multiples of 8, channels 1..20,
// non-square H x W 1..17 and kernels 1..5, stride 1..3, padding 0..3,
// dilation 1..2, groups, strided / permuted / sliced inputs):
// - f32 against the f64 path within a bound from the sums of |terms|
//   (f32 rounding of a sum of n terms: |err| <= n u sum |terms|),
// - 1 and 3 threads bitwise,
// - the batch against each image alone bitwise (the lanes paths claim the
//   same bits as the one-image paths), and the fused activation against
//   activate_ of the plain op bitwise,
// - non-finite inputs: the same inf/NaN pattern as the f64 path.
// The per-thread scratch buffers: a big, a small, a big call give the
// fresh values; calls from inside an outer OpenMP parallel region too.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/conv.h"
#include "core/copy.h"
#include "core/factory.h"
#include "core/fused_act.h"
#include "core/views.h"
#include "tests/models/sanitizer_testing.h"
#include "tests/property_testing.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::bitwise_equal;
using testing::draw;
using testing::draw_act;
using testing::f64;
using testing::randn32;
using testing::with_threads;

struct Geo {
  int64_t N, C, H, W, Cout, kH, kW, G;
  Conv2dParams p;
  std::string str() const {
    std::ostringstream s;
    s << "N" << N << " C" << C << " " << H << "x" << W << " Cout" << Cout << " k" << kH << "x" << kW << " s"
      << p.stride[0] << "," << p.stride[1] << " p" << p.padding[0] << "," << p.padding[1] << " d" << p.dilation[0]
      << "," << p.dilation[1] << " op" << p.output_padding[0] << "," << p.output_padding[1] << " G" << G;
    return s.str();
  }
};

// A geometry with a non-empty output; column stride 2..3 two times in three
// (the implicit-GEMM / lanes paths), kernel 4x4 one time in four (the
// weight gradient's padded frames); output_padding when `transposed`.
Geo draw_geo(std::mt19937_64& rng, bool transposed) {
  for (;;) {
    Geo g;
    g.N = draw(rng, 1, 20);
    g.G = draw(rng, 1, 3);
    g.C = g.G * draw(rng, 1, 20 / g.G);
    g.Cout = g.G * draw(rng, 1, 20 / g.G);
    g.H = draw(rng, 1, 17), g.W = draw(rng, 1, 17);
    if (draw(rng, 0, 3) == 0)
      g.kH = g.kW = 4;
    else
      g.kH = draw(rng, 1, 5), g.kW = draw(rng, 1, 5);
    g.p.stride = {draw(rng, 1, 3), draw(rng, 0, 2) == 0 ? 1 : draw(rng, 2, 3)};
    g.p.padding = {draw(rng, 0, 3), draw(rng, 0, 3)};
    g.p.dilation = {draw(rng, 1, 2), draw(rng, 1, 2)};
    g.p.groups = g.G;
    if (transposed) {
      for (int d = 0; d < 2; ++d)
        g.p.output_padding[d] = draw(rng, 0, std::max(g.p.stride[d], g.p.dilation[d]) - 1);
      const int64_t ho = prim::conv_transpose_output_size(g.H, g.kH, g.p.stride[0], g.p.padding[0],
                                                          g.p.dilation[0], g.p.output_padding[0]);
      const int64_t wo = prim::conv_transpose_output_size(g.W, g.kW, g.p.stride[1], g.p.padding[1],
                                                          g.p.dilation[1], g.p.output_padding[1]);
      if (ho >= 1 && wo >= 1) return g;
    } else {
      if (prim::conv_output_size(g.H, g.kH, g.p.stride[0], g.p.padding[0], g.p.dilation[0]) >= 1 &&
          prim::conv_output_size(g.W, g.kW, g.p.stride[1], g.p.padding[1], g.p.dilation[1]) >= 1)
        return g;
    }
  }
}

Tensor abs64(const Tensor& t) {
  if (!t.defined()) return t;
  auto v = to_vector<double>(t);
  for (double& d : v) d = std::abs(d);
  return tensor<double>(v, t.shape());
}

// The same values as x [a, b, c, d] in one of five layouts: contiguous,
// last two dims transposed in memory, channels last, every other column of
// a wider buffer (offset 1), every other image of a longer batch.
Tensor conv_layout(const Tensor& x, int64_t kind) {
  Shape s = x.shape();
  switch (kind) {
    case 1: return testing::noncontiguous(x);
    case 2: return prim::permute(prim::contiguous(prim::permute(x, {0, 2, 3, 1})), {0, 3, 1, 2});
    case 3: {
      Shape big = s;
      big[3] = 2 * s[3] + 1;
      Tensor v = prim::slice(zeros(big, DType::f32), 3, 1, big[3], 2);
      prim::copy_(v, x);
      return v;
    }
    case 4: {
      Shape big = s;
      big[0] = 2 * s[0];
      Tensor v = prim::slice(zeros(big, DType::f32), 0, 0, big[0], 2);
      prim::copy_(v, x);
      return v;
    }
    default: return x;
  }
}

// Whether |y - ref| <= 2 u (terms + 2) bound elementwise (u = 2^-24), with
// non-finite entries of ref matched exactly (inf by sign, NaN by NaN).
::testing::AssertionResult within_bound(const Tensor& y, const Tensor& ref, const Tensor& bound, int64_t terms) {
  if (y.shape() != ref.shape()) return ::testing::AssertionFailure() << describe(y) << " vs " << describe(ref);
  const auto a = to_vector<double>(y), r = to_vector<double>(ref), m = to_vector<double>(bound);
  const double k = 2.0 * std::ldexp(1.0, -24) * static_cast<double>(terms + 2);
  for (size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(r[i])) {
      if (std::isnan(r[i]) ? !std::isnan(a[i]) : a[i] != r[i])
        return ::testing::AssertionFailure() << "element " << i << ": " << a[i] << " vs " << r[i];
      continue;
    }
    if (!(std::abs(a[i] - r[i]) <= k * m[i]))
      return ::testing::AssertionFailure() << "element " << i << ": " << a[i] << " vs " << r[i] << " (bound "
                                           << k * m[i] << ")";
  }
  return ::testing::AssertionSuccess();
}

// A few non-finite entries (inf, -inf, NaN) in a copy of x, one case in six.
Tensor maybe_nonfinite(const Tensor& x, std::mt19937_64& rng) {
  if (draw(rng, 0, 5) != 0) return x;
  auto v = to_vector<float>(x);
  const float bad[3] = {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                        std::numeric_limits<float>::quiet_NaN()};
  for (int i = 0; i < 3; ++i) v[static_cast<size_t>(draw(rng, 0, static_cast<int64_t>(v.size()) - 1))] = bad[i];
  return tensor<float>(v, x.shape());
}

// Per op; the first third under the sanitizer (8 times slower; it looks for memory errors).
const int kGeometries = testing::sanitized() ? 100 : 300;

// The properties shared by the forward ops, y = op(x, w, b) and its fused
// activation act_op(x, w, b, act), on one drawn geometry: 1 and 3 threads
// bitwise, the strided input xv and the contiguous x bitwise, within the
// bound of the f64 path, each image alone bitwise (column stride > 1: the
// implicit-GEMM / lanes paths), the fused activation bitwise the plain op
// then the activation. Draws the bias and the activation from rng.
template <class Op, class ActOp>
void check_forward(Op op, ActOp act_op, const Geo& g, const Tensor& x, const Tensor& w, std::mt19937_64& rng) {
  const Tensor b = draw(rng, 0, 3) == 0 ? Tensor() : randn32({g.Cout}, rng);
  const Tensor xv = conv_layout(x, draw(rng, 0, 4));
  const Tensor y1 = with_threads(1, [&] { return op(xv, w, b); });
  ASSERT_TRUE(bitwise_equal(y1, with_threads(3, [&] { return op(xv, w, b); })));
  ASSERT_TRUE(bitwise_equal(y1, op(x, w, b))) << "layout";
  ASSERT_TRUE(within_bound(y1, op(f64(x), f64(w), f64(b)), op(abs64(x), abs64(w), abs64(b)),
                           g.C / g.G * g.kH * g.kW));
  if (g.p.stride[1] != 1) {
    for (int64_t n = 0; n < g.N; ++n) {
      ASSERT_TRUE(bitwise_equal(prim::slice(y1, 0, n, n + 1), op(prim::slice(xv, 0, n, n + 1), w, b)))
          << "image " << n;
    }
  }
  const Activation act = draw_act(rng);
  Tensor composite = prim::clone(y1);
  prim::activate_(composite, act);
  const Tensor fused1 = with_threads(1, [&] { return act_op(xv, w, b, act); });
  ASSERT_TRUE(bitwise_equal(fused1, composite)) << "act " << static_cast<int>(act.kind);
  ASSERT_TRUE(bitwise_equal(fused1, with_threads(3, [&] { return act_op(xv, w, b, act); })));
}

TEST(ConvFuzz, Conv2dAndActAgainstF64ThreadsAndImages) {
  std::mt19937_64 rng(20261124);
  int64_t lanes = 0;  // geometries a lanes / implicit-GEMM path takes (batch >= 8, column stride > 1)
  for (int it = 0; it < kGeometries; ++it) {
    const Geo g = draw_geo(rng, false);
    lanes += g.N >= 8 && g.p.stride[1] != 1;
    SCOPED_TRACE(std::to_string(it) + ": " + g.str());
    const Tensor x = maybe_nonfinite(randn32({g.N, g.C, g.H, g.W}, rng), rng);
    const Tensor w = maybe_nonfinite(randn32({g.Cout, g.C / g.G, g.kH, g.kW}, rng), rng);
    check_forward([&](const Tensor& xi, const Tensor& wi, const Tensor& bi) { return prim::conv2d(xi, wi, bi, g.p); },
                  [&](const Tensor& xi, const Tensor& wi, const Tensor& bi, Activation a) {
                    return prim::conv2d_act(xi, wi, bi, g.p, a);
                  },
                  g, x, w, rng);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GE(lanes, kGeometries / 4);
}

TEST(ConvFuzz, ConvTranspose2dAgainstF64ThreadsAndImages) {
  std::mt19937_64 rng(7);
  int64_t lanes = 0;  // geometries a lanes / implicit-GEMM path takes (batch >= 8, column stride > 1)
  for (int it = 0; it < kGeometries; ++it) {
    const Geo g = draw_geo(rng, true);
    lanes += g.N >= 8 && g.p.stride[1] != 1;
    SCOPED_TRACE(std::to_string(it) + ": " + g.str());
    // x [N, C, H, W], w [C, Cout / G, kH, kW] -> [N, Cout, Ho, Wo].
    const Tensor x = maybe_nonfinite(randn32({g.N, g.C, g.H, g.W}, rng), rng);
    const Tensor w = maybe_nonfinite(randn32({g.C, g.Cout / g.G, g.kH, g.kW}, rng), rng);
    check_forward(
        [&](const Tensor& xi, const Tensor& wi, const Tensor& bi) { return prim::conv_transpose2d(xi, wi, bi, g.p); },
        [&](const Tensor& xi, const Tensor& wi, const Tensor& bi, Activation a) {
          return prim::conv_transpose2d_act(xi, wi, bi, g.p, a);
        },
        g, x, w, rng);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GE(lanes, kGeometries / 4);
}

TEST(ConvFuzz, Conv2dWeightAgainstF64AndThreads) {
  std::mt19937_64 rng(99);
  int64_t lanes = 0;  // geometries a lanes / implicit-GEMM path takes (batch >= 8, column stride > 1)
  for (int it = 0; it < kGeometries; ++it) {
    const Geo g = draw_geo(rng, false);
    lanes += g.N >= 8 && g.p.stride[1] != 1;
    SCOPED_TRACE(std::to_string(it) + ": " + g.str());
    const Tensor x = maybe_nonfinite(randn32({g.N, g.C, g.H, g.W}, rng), rng);
    const Shape ws{g.Cout, g.C / g.G, g.kH, g.kW};
    const Shape ys = prim::conv2d(x, zeros(ws, DType::f32), {}, g.p).shape();
    const Tensor gy = maybe_nonfinite(randn32(ys, rng), rng);
    const Tensor xv = conv_layout(x, draw(rng, 0, 4)), gv = conv_layout(gy, draw(rng, 0, 4));
    const Tensor w1 = with_threads(1, [&] { return prim::conv2d_weight(xv, gv, ws, g.p); });
    const Tensor w3 = with_threads(3, [&] { return prim::conv2d_weight(xv, gv, ws, g.p); });
    ASSERT_TRUE(bitwise_equal(w1, w3));
    ASSERT_TRUE(bitwise_equal(w1, prim::conv2d_weight(x, gy, ws, g.p))) << "layout";
    const Tensor ref = prim::conv2d_weight(f64(x), f64(gy), ws, g.p);
    const Tensor bound = prim::conv2d_weight(abs64(x), abs64(gy), ws, g.p);
    ASSERT_TRUE(within_bound(w1, ref, bound, g.N * ys[2] * ys[3]));
  }
  EXPECT_GE(lanes, kGeometries / 4);
}

// Geometries large enough for the lanes paths' threads (more than one block
// of 8 images and 2^20 multiply-adds): 1 and 3 threads and each image alone
// bitwise, for the forward, the fused activation, the transposed conv and
// the weight gradient (the random draws above rarely get there).
// Stride 1: the input gradient runs as a flipped conv over a zero frame,
// whose padding meets every tap; with an infinite weight that gave NaN
// where col2im (and the f64 path) drop the product: "inf inf nan ..." for
// "inf inf 4 ...".
TEST(ConvFuzz, StrideOneTransposeWithAnInfiniteWeight) {
  std::vector<float> wv(9, 1.0f);
  wv[0] = std::numeric_limits<float>::infinity();
  const Tensor x = full({1, 1, 3, 3}, 1.0, DType::f32), w = tensor(wv, {1, 1, 3, 3});
  Conv2dParams p;
  p.padding = {1, 1};
  const Tensor y = prim::conv_transpose2d(x, w, Tensor(), p);
  const Tensor ref = prim::conv_transpose2d(f64(x), f64(w), Tensor(), p);
  EXPECT_TRUE(within_bound(y, ref, prim::conv_transpose2d(abs64(x), abs64(w), Tensor(), p), 9));
  EXPECT_EQ(prim::to(y, DType::f64).data<double>()[2], 4.0);
}

TEST(ConvFuzz, ThreadedLanes) {
  std::mt19937_64 rng(2468);
  const int cases = testing::sanitized() ? 4 : 12;
  for (int it = 0; it < cases; ++it) {
    Geo g;
    g.N = draw(rng, 9, 24), g.G = draw(rng, 1, 2);
    g.C = g.G * draw(rng, 4, 10), g.Cout = g.G * draw(rng, 4, 10);
    g.H = draw(rng, 12, 17), g.W = draw(rng, 12, 17), g.kH = draw(rng, 3, 5), g.kW = draw(rng, 3, 5);
    if (it % 3 == 0) g.kH = g.kW = 4;
    g.p.stride = {draw(rng, 1, 2), 2};
    g.p.padding = {draw(rng, 0, 2), draw(rng, 0, 2)};
    g.p.groups = g.G;
    SCOPED_TRACE(std::to_string(it) + ": " + g.str());
    const Tensor x = randn32({g.N, g.C, g.H, g.W}, rng), w = randn32({g.Cout, g.C / g.G, g.kH, g.kW}, rng);
    const Tensor b = randn32({g.Cout}, rng);
    const Tensor xv = conv_layout(x, draw(rng, 0, 4));
    const Activation act = draw_act(rng);
    auto calls = [&](const Tensor& xi) {
      const Tensor y = prim::conv2d(xi, w, b, g.p);
      return std::vector<Tensor>{y, prim::conv2d_act(xi, w, b, g.p, act),
                                 prim::conv_transpose2d(y, w, Tensor(), g.p),
                                 prim::conv2d_weight(xi, y, w.shape(), g.p)};
    };
    const std::vector<Tensor> one = with_threads(1, [&] { return calls(xv); });
    const std::vector<Tensor> three = with_threads(3, [&] { return calls(xv); });
    for (size_t k = 0; k < one.size(); ++k) ASSERT_TRUE(bitwise_equal(one[k], three[k])) << "call " << k;
    for (int64_t n = 0; n < g.N; ++n) {
      const Tensor xn = prim::slice(xv, 0, n, n + 1), yn = prim::slice(one[0], 0, n, n + 1);
      ASSERT_TRUE(bitwise_equal(yn, prim::conv2d(xn, w, b, g.p))) << "image " << n;
      ASSERT_TRUE(bitwise_equal(prim::slice(one[2], 0, n, n + 1), prim::conv_transpose2d(yn, w, Tensor(), g.p)))
          << "image " << n;
    }
  }
}

// The weight gradient's padded frames take every kernel whose taps are a
// multiple of 16 with kW dividing 16 (at dilation 1 along the columns):
// kernels 1x16, 2x8, 8x2, 16x1, 4x8, 8x4 under random geometries.
TEST(ConvFuzz, Conv2dWeightFramedKernels) {
  std::mt19937_64 rng(1616);
  const int64_t kernels[6][2] = {{1, 16}, {2, 8}, {8, 2}, {16, 1}, {4, 8}, {8, 4}};
  for (int it = 0; it < 60; ++it) {
    Geo g = draw_geo(rng, false);
    g.kH = kernels[it % 6][0], g.kW = kernels[it % 6][1];
    g.p.dilation[1] = 1;
    g.p.stride[1] = draw(rng, 2, 3);
    g.H = std::max(g.H, (g.kH - 1) * g.p.dilation[0] + 1 - g.p.padding[0]);
    g.W = std::max(g.W, g.kW - g.p.padding[1]);
    SCOPED_TRACE(std::to_string(it) + ": " + g.str());
    const Tensor x = randn32({g.N, g.C, g.H, g.W}, rng);
    const Shape ws{g.Cout, g.C / g.G, g.kH, g.kW};
    const Shape ys = prim::conv2d(x, zeros(ws, DType::f32), {}, g.p).shape();
    const Tensor gy = randn32(ys, rng);
    const Tensor xv = conv_layout(x, draw(rng, 0, 4));
    const Tensor w1 = with_threads(1, [&] { return prim::conv2d_weight(xv, gy, ws, g.p); });
    ASSERT_TRUE(bitwise_equal(w1, with_threads(3, [&] { return prim::conv2d_weight(xv, gy, ws, g.p); })));
    const Tensor ref = prim::conv2d_weight(f64(x), f64(gy), ws, g.p);
    const Tensor bound = prim::conv2d_weight(abs64(x), abs64(gy), ws, g.p);
    ASSERT_TRUE(within_bound(w1, ref, bound, g.N * ys[2] * ys[3]));
  }
}

}  // namespace
}  // namespace nabla
