// Randomized properties of batch norm's backward with batch statistics
// (kernels/cpu/bn_backward.cpp: channels side by side, [N, C] rows as
// vectors across channels), through nabla::batch_norm_backward, on fixed
// seeds: [N, C] and [N, C, H, W] with N, C, H, W in 1..19 (N = 1 too),
// strided / permuted inputs and output gradients, weight present or not, a
// few inf / NaN inputs:
// - the two-pass kernel (no graph of the backward) against the composite it
//   replaces (autograd/norm.cpp's batch_stats_vjp with the saved statistics,
//   as tests/autograd/bn_backward_test.cpp writes it) bitwise,
// - each channel alone, every layout, 1 and 3 threads: bitwise,
// - f32 against f64 (non-finite entries matched exactly).
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "autograd/grad_mode.h"
#include "autograd/nabla.h"
#include "autograd/norm.h"
#include "core/copy.h"
#include "core/bn_backward.h"
#include "core/factory.h"
#include "core/norm.h"
#include "core/views.h"
#include "tests/property_testing.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::bitwise_equal;
using testing::channel;
using testing::draw;
using testing::f64;
using testing::layout;
using testing::randn32;

::testing::AssertionResult all_bitwise(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].defined() != b[i].defined()) return ::testing::AssertionFailure() << "gradient " << i << " defined?";
    if (!a[i].defined()) continue;
    if (auto r = bitwise_equal(a[i], b[i]); !r) return r << " (gradient " << i << ")";
  }
  return ::testing::AssertionSuccess();
}

// |a - ref| <= tol (1 + max |ref|) with non-finite entries of ref matched exactly.
::testing::AssertionResult close_to(const Tensor& a, const Tensor& ref, double tol) {
  const auto x = to_vector<double>(a), r = to_vector<double>(ref);
  double scale = 1;
  for (double v : r)
    if (std::isfinite(v)) scale = std::max(scale, 1 + std::abs(v));
  for (size_t i = 0; i < x.size(); ++i) {
    const bool ok = std::isfinite(r[i]) ? std::abs(x[i] - r[i]) <= tol * scale
                                        : (std::isnan(r[i]) ? std::isnan(x[i]) : x[i] == r[i]);
    if (!ok) return ::testing::AssertionFailure() << "element " << i << ": " << x[i] << " vs " << r[i];
  }
  return ::testing::AssertionSuccess();
}

// batch_stats_vjp's formula with the saved statistics, by the differentiable ops.
std::vector<Tensor> composite(const Tensor& g, const Tensor& x, const Tensor& w, const Tensor& mean_c,
                              const Tensor& rstd_c, const std::vector<bool>& needs) {
  NoGradGuard no_grad;
  Dims dims{0};
  Shape view(x.dim(), 1);
  view[1] = x.size(1);
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  const Tensor mu = reshape(mean_c, view), rstd = reshape(rstd_c, view);
  const Tensor x_hat = (x - mu) * rstd;
  const Tensor g_hat = w.defined() ? g * reshape(w, view) : g;
  const Tensor gx = rstd * (g_hat - mean(g_hat, dims, true) - x_hat * mean(g_hat * x_hat, dims, true));
  return {gx, needs[1] ? reshape(sum_to(g * x_hat, view), {x.size(1)}) : Tensor(),
          needs[2] ? reshape(sum_to(g, view), {x.size(1)}) : Tensor()};
}

TEST(BatchNormBackwardFuzz, KernelCompositeChannelsLayoutsThreadsF64) {
  std::mt19937_64 rng(31337);
  constexpr double eps = 1e-5;
  for (int it = 0; it < 250; ++it) {
    const bool four = draw(rng, 0, 1) == 1;
    const int64_t N = draw(rng, 1, 19), C = draw(rng, 1, 19);
    const Shape s = four ? Shape{N, C, draw(rng, 1, 19), draw(rng, 1, 19)} : Shape{N, C};
    const Tensor x = randn32(s, rng, draw(rng, 0, 5) == 0);
    const Tensor g = randn32(s, rng);
    const Tensor w = draw(rng, 0, 2) == 0 ? Tensor() : randn32({C}, rng);
    const std::vector<bool> needs{true, w.defined(), draw(rng, 0, 1) == 1};
    SCOPED_TRACE(std::to_string(it) + ": " + describe(x) + (w.defined() ? " w" : ""));
    // Batch statistics (training when more than one value per channel, else none kept).
    const bool training = x.numel() / C > 1;
    auto grads = [&](const Tensor& xi, const Tensor& gi, const Tensor& wi, bool by_composite) {
      const prim::NormResult st = prim::batch_norm(xi, wi, {}, {}, {}, training, 0.1, eps);
      if (by_composite) return composite(gi, xi, wi, st.mean, st.rstd, needs);
      NoGradGuard no_grad;
      return batch_norm_backward(gi, xi, wi, st.mean, st.rstd, true, eps, needs);
    };
    const std::vector<Tensor> fast = grads(x, g, w, false);
    ASSERT_TRUE(all_bitwise(fast, grads(x, g, w, true))) << "composite";
    const Tensor xv = layout(x, draw(rng, 0, 2)), gv = layout(g, draw(rng, 0, 2));
    ASSERT_TRUE(all_bitwise(fast, grads(xv, gv, w, false))) << "layout";
    const int before = omp_get_max_threads();
    omp_set_num_threads(3);
    const std::vector<Tensor> three = grads(xv, gv, w, false);
    omp_set_num_threads(before);
    ASSERT_TRUE(all_bitwise(fast, three)) << "3 threads";
    for (int64_t c = 0; c < C; ++c) {
      const std::vector<Tensor> one = grads(channel(x, c), channel(g, c), channel(w, c), false);
      ASSERT_TRUE(all_bitwise(one, {channel(fast[0], c), channel(fast[1], c), channel(fast[2], c)}))
          << "channel " << c;
    }
    const std::vector<Tensor> ref = grads(f64(x), f64(g), f64(w), false);
    for (size_t i = 0; i < 3; ++i) {
      if (!ref[i].defined()) continue;
      ASSERT_TRUE(close_to(fast[i], ref[i], 1e-3)) << "gradient " << i;
    }
  }
}

// One value per channel (N = 1, no spatial dims; batch statistics without
// running ones): the composite's sum_to returns g x_hat and g as they are,
// so a -0 stays -0; the two-pass sums used to start from +0 and gave +0.
TEST(BatchNormBackwardFuzz, OneValuePerChannelKeepsTheSignOfZero) {
  for (const Shape& s : {Shape{1, 3}, Shape{1, 3, 1, 1}}) {
    const Tensor x = reshape(tensor<float>({1, 2, 3}), s), g = reshape(tensor<float>({-1, 2, -0.0f}), s);
    const Tensor w = tensor<float>({1, -1, 1});
    const prim::NormResult st = prim::batch_norm(x, w, {}, {}, {}, false, 0.1, 1e-5);
    const prim::BatchNormGrads r = prim::batch_norm_grad(g, x, w, st.mean, st.rstd, true, true, true);
    const std::vector<Tensor> want = composite(g, x, w, st.mean, st.rstd, {true, true, true});
    EXPECT_TRUE(bitwise_equal(r.grad_input, want[0])) << str(s);
    EXPECT_TRUE(bitwise_equal(r.grad_weight, want[1])) << str(s);
    EXPECT_TRUE(bitwise_equal(r.grad_bias, want[2])) << str(s);
  }
}

}  // namespace
}  // namespace nabla
