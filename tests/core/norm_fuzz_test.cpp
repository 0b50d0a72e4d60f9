// Randomized properties of batch norm's forward and the fused batch norm +
// activation (kernels/cpu/norm.cpp: the side-by-side grouped sums, [N, C]
// in vector lanes), through the prim ops, on fixed seeds: [N, C] and
// [N, C, H, W] with N, C, H, W in 1..19, strided / permuted / sliced inputs,
// weight and bias present or not, a few inf / NaN inputs:
// - each channel alone (one group: the serial per-group sums) bitwise,
// - every layout (the general walk, the adjacent-column lanes) bitwise,
// - 1 and 3 threads bitwise, batch_norm_act against activate_ bitwise,
// - f32 against the f64 path (non-finite entries matched exactly),
// - one value per channel in training rejected, by the fused op too.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "core/copy.h"
#include "core/factory.h"
#include "core/fused_act.h"
#include "core/norm.h"
#include "core/views.h"
#include "tests/property_testing.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::bitwise_equal;
using testing::channel;
using testing::draw;
using testing::draw_act;
using testing::f64;
using testing::layout;
using testing::randn32;
using testing::with_threads;

// |a - ref| <= tol (1 + |ref|) with non-finite entries of ref matched exactly.
::testing::AssertionResult close_to(const Tensor& a, const Tensor& ref, double tol) {
  if (a.shape() != ref.shape()) return ::testing::AssertionFailure() << describe(a) << " vs " << describe(ref);
  const auto x = to_vector<double>(a), r = to_vector<double>(ref);
  for (size_t i = 0; i < x.size(); ++i) {
    const bool ok = std::isfinite(r[i]) ? std::abs(x[i] - r[i]) <= tol * (1 + std::abs(r[i]))
                                        : (std::isnan(r[i]) ? std::isnan(x[i]) : x[i] == r[i]);
    if (!ok) return ::testing::AssertionFailure() << "element " << i << ": " << x[i] << " vs " << r[i];
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult same(const prim::NormResult& a, const prim::NormResult& b) {
  auto r = bitwise_equal(a.out, b.out);
  if (r) r = bitwise_equal(a.mean, b.mean);
  if (r) r = bitwise_equal(a.rstd, b.rstd);
  return r;
}

TEST(NormFuzz, BatchNormForwardChannelsLayoutsThreadsF64) {
  std::mt19937_64 rng(424242);
  constexpr double eps = 1e-5;
  int checked = 0, rejected = 0;
  for (int it = 0; it < 300; ++it) {
    const bool four = draw(rng, 0, 1) == 1;
    const int64_t N = draw(rng, 1, 19), C = draw(rng, 1, 19);
    const Shape s = four ? Shape{N, C, draw(rng, 1, 19), draw(rng, 1, 19)} : Shape{N, C};
    const bool training = draw(rng, 0, 3) != 0;
    const Tensor x = randn32(s, rng, draw(rng, 0, 5) == 0);
    const Tensor w = draw(rng, 0, 2) == 0 ? Tensor() : randn32({C}, rng);
    const Tensor b = draw(rng, 0, 2) == 0 ? Tensor() : randn32({C}, rng);
    const Activation act = draw_act(rng);
    SCOPED_TRACE(std::to_string(it) + ": " + describe(x) + (training ? " training" : " batch stats") +
                 (w.defined() ? " w" : "") + (b.defined() ? " b" : ""));
    if (training && x.numel() / C <= 1) {  // as PyTorch: more than one value per channel
      EXPECT_THROW(prim::batch_norm(x, w, b, {}, {}, true, 0.1, eps), std::invalid_argument);
      EXPECT_THROW(prim::batch_norm_act(x, w, b, {}, {}, true, 0.1, eps, act), std::invalid_argument);
      ++rejected;
      continue;
    }
    auto bn = [&](const Tensor& xi, const Tensor& wi, const Tensor& bi) {
      return prim::batch_norm(xi, wi, bi, {}, {}, training, 0.1, eps);
    };
    const prim::NormResult y = bn(x, w, b);
    const Tensor xv = layout(x, draw(rng, 0, 3));
    const Tensor wv = w.defined() && draw(rng, 0, 1) ? testing::noncontiguous(w) : w;  // every other float
    const Tensor bv = b.defined() && draw(rng, 0, 1) ? testing::noncontiguous(b) : b;
    ASSERT_TRUE(same(y, bn(xv, wv, bv))) << "layout";
    ASSERT_TRUE(same(y, with_threads(3, [&] { return bn(xv, wv, bv); }))) << "3 threads";
    for (int64_t c = 0; c < C; ++c) {
      const prim::NormResult one = bn(channel(x, c), w.defined() ? channel(w, c) : w, b.defined() ? channel(b, c) : b);
      ASSERT_TRUE(bitwise_equal(one.out, channel(y.out, c))) << "channel " << c;
      ASSERT_TRUE(bitwise_equal(one.rstd, channel(y.rstd, c))) << "channel " << c;
    }
    const prim::NormResult ref = bn(f64(x), f64(w), f64(b));
    ASSERT_TRUE(close_to(y.out, ref.out, 2e-3));
    ASSERT_TRUE(close_to(y.mean, ref.mean, 1e-5));
    const prim::NormResult fused = with_threads(3, [&] {
      return prim::batch_norm_act(xv, w, b, {}, {}, training, 0.1, eps, act);
    });
    Tensor composite = prim::clone(y.out);
    prim::activate_(composite, act);
    ASSERT_TRUE(bitwise_equal(fused.out, composite)) << "act " << static_cast<int>(act.kind);
    ++checked;
  }
  EXPECT_GE(checked, 200);
  EXPECT_GE(rejected, 1);
}

// Layer norm shares norm_forward's grouped sums (groups: the leading
// positions, delta apart): each row alone, layouts, threads bitwise; f64.
TEST(NormFuzz, LayerNormRowsLayoutsThreadsF64) {
  std::mt19937_64 rng(8080);
  for (int it = 0; it < 200; ++it) {
    const Shape s{draw(rng, 1, 19), draw(rng, 1, 19), draw(rng, 1, 19)};
    const Shape ns = draw(rng, 0, 1) ? Shape{s[2]} : Shape{s[1], s[2]};
    const Tensor x = randn32(s, rng, draw(rng, 0, 5) == 0);
    const Tensor w = draw(rng, 0, 2) == 0 ? Tensor() : randn32(ns, rng);
    const Tensor b = draw(rng, 0, 2) == 0 ? Tensor() : randn32(ns, rng);
    SCOPED_TRACE(std::to_string(it) + ": " + describe(x) + " over " + str(ns));
    auto ln = [&](const Tensor& xi) { return prim::layer_norm(xi, ns, w, b, 1e-5); };
    const prim::NormResult y = ln(x);
    const Tensor xv = layout(x, draw(rng, 0, 3));
    ASSERT_TRUE(same(y, ln(xv))) << "layout";
    ASSERT_TRUE(same(y, with_threads(3, [&] { return ln(xv); }))) << "3 threads";
    for (int64_t i = 0; i < s[0]; ++i) {
      const Tensor row = prim::contiguous(prim::slice(x, 0, i, i + 1));
      ASSERT_TRUE(bitwise_equal(ln(row).out, prim::slice(y.out, 0, i, i + 1))) << "row " << i;
    }
    ASSERT_TRUE(close_to(y.out, prim::layer_norm(f64(x), ns, f64(w), f64(b), 1e-5).out, 2e-3));
  }
}

}  // namespace
}  // namespace nabla
