// prim::batch_norm_grad (the two-pass batch-norm backward) against the
// composite of autograd/norm.cpp it replaces when no graph of the backward is
// built: bitwise, in f32 and f64, on contiguous and non-contiguous inputs, odd
// and size-1 shapes, on any thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include "autograd/nabla.h"
#include "core/bn_backward.h"
#include "core/norm.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::bitwise_equal;

struct Case {
  Tensor g, x, w, mean, rstd;
};

Case make_case(const Shape& shape, uint64_t seed, DType t, bool weight) {
  auto r = [&](const Shape& s, uint64_t k) { return to(testing::random(s, seed + k, {.requires_grad = false}), t); };
  Case c{r(shape, 0), r(shape, 1) * 2.0 + 0.5, weight ? r({shape[1]}, 2) : Tensor(), {}, {}};
  const prim::NormResult n = prim::batch_norm(c.x, c.w, Tensor(), Tensor(), Tensor(), true);
  c.mean = n.mean, c.rstd = n.rstd;
  return c;
}

// autograd/norm.cpp's batch_stats_vjp with the saved statistics.
std::vector<Tensor> composite(const Case& c) {
  NoGradGuard no_grad;
  Dims dims{0};
  Shape view(c.x.dim(), 1);
  view[1] = c.x.size(1);
  for (int64_t d = 2; d < c.x.dim(); ++d) dims.push_back(d);
  const Tensor mu = reshape(c.mean, view), rstd = reshape(c.rstd, view);
  const Tensor x_hat = (c.x - mu) * rstd;
  const Tensor g_hat = c.w.defined() ? c.g * reshape(c.w, view) : c.g;
  const Tensor gx = rstd * (g_hat - mean(g_hat, dims, true) - x_hat * mean(g_hat * x_hat, dims, true));
  return {gx, reshape(sum_to(c.g * x_hat, view), {c.x.size(1)}), reshape(sum_to(c.g, view), {c.x.size(1)})};
}

void expect_composite(const Case& c) {
  const prim::BatchNormGrads r = prim::batch_norm_grad(c.g, c.x, c.w, c.mean, c.rstd, true, true, true);
  const std::vector<Tensor> want = composite(c);
  EXPECT_TRUE(bitwise_equal(r.grad_input, want[0]));
  EXPECT_TRUE(bitwise_equal(r.grad_weight, want[1]));
  EXPECT_TRUE(bitwise_equal(r.grad_bias, want[2]));
}

TEST(BatchNormTwoPass, BitwiseTheComposite) {
  for (DType t : {DType::f32, DType::f64})
    for (bool weight : {true, false}) {
      expect_composite(make_case({4, 3, 5, 7}, 1, t, weight));    // odd sizes
      expect_composite(make_case({64, 40}, 2, t, weight));        // [N, C], S = 1: channel blocks of 16 and 8
      expect_composite(make_case({2, 1, 1, 1}, 3, t, weight));    // size-1 dims
      expect_composite(make_case({1, 1, 3, 1}, 3, t, weight));
      expect_composite(make_case({2, 17, 3}, 4, t, weight));      // 3-D
      expect_composite(make_case({16, 20, 14, 14}, 5, t, weight));  // large enough for threads
    }
}

TEST(BatchNormTwoPass, NonContiguousInputs) {
  for (DType t : {DType::f32, DType::f64}) {
    Case c = make_case({3, 5, 4, 6}, 6, t, true);
    c.g = testing::noncontiguous(c.g);
    c.x = testing::noncontiguous(c.x);
    ASSERT_FALSE(c.x.is_contiguous());
    expect_composite(c);
  }
}

TEST(BatchNormTwoPass, OnlyTheWantedGradients) {
  const Case c = make_case({4, 3, 5}, 7, DType::f32, true);
  const prim::BatchNormGrads r = prim::batch_norm_grad(c.g, c.x, c.w, c.mean, c.rstd, true, false, false);
  EXPECT_TRUE(bitwise_equal(r.grad_input, composite(c)[0]));
  EXPECT_FALSE(r.grad_weight.defined());
  EXPECT_FALSE(r.grad_bias.defined());
}

TEST(BatchNormTwoPass, SameBitsOnAnyThreadCount) {
  const Case c = make_case({32, 48, 9, 9}, 8, DType::f32, true);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const prim::BatchNormGrads one = prim::batch_norm_grad(c.g, c.x, c.w, c.mean, c.rstd, true, true, true);
  omp_set_num_threads(3);
  const prim::BatchNormGrads three = prim::batch_norm_grad(c.g, c.x, c.w, c.mean, c.rstd, true, true, true);
  omp_set_num_threads(threads);
  EXPECT_TRUE(bitwise_equal(one.grad_input, three.grad_input));
  EXPECT_TRUE(bitwise_equal(one.grad_weight, three.grad_weight));
}

TEST(BatchNormTwoPass, AppliesWhereReduceDoesNotSplitTheSums) {
  EXPECT_TRUE(prim::batch_norm_grad_applies(zeros({64, 128, 7, 7})));
  EXPECT_TRUE(prim::batch_norm_grad_applies(zeros({2, 3, 4})));
  EXPECT_FALSE(prim::batch_norm_grad_applies(zeros({64, 4, 32, 32})));  // 4 channels over 64 K elements
  EXPECT_FALSE(prim::batch_norm_grad_applies(zeros({4})));
}

// batch_norm's backward (which now takes the kernel) gives the gradients of
// the composite that recomputes the statistics under create_graph.
TEST(BatchNormTwoPass, BackwardMatchesTheDifferentiableComposite) {
  const Tensor x = testing::random({5, 3, 4, 4}, 9), w = testing::random({3}, 10), b = testing::random({3}, 11);
  const Tensor g = testing::random({5, 3, 4, 4}, 12, {.requires_grad = false});
  const std::vector<Tensor> fast = grad({batch_norm(x, w, b, Tensor(), Tensor(), true)}, {x, w, b}, {g});
  const std::vector<Tensor> slow =
      grad({batch_norm(x, w, b, Tensor(), Tensor(), true)}, {x, w, b}, {g}, {.create_graph = true});
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(testing::allclose(fast[i], slow[i], 1e-10, 1e-10)) << i;
}

TEST(BatchNormTwoPass, BadInputNamesTheOp) {
  const Tensor x = zeros({2, 3, 4}), s = ones({3});
  EXPECT_TRUE(testing::throws_message<std::invalid_argument>(
      [&] { prim::batch_norm_grad(zeros({2, 3, 5}), x, s, s, s, true, true, true); }, "shape",
      {"batch_norm_grad", "[2, 3, 4]"}));
  EXPECT_TRUE(testing::throws_message<std::invalid_argument>(
      [&] { prim::batch_norm_grad(x, x, ones({4}), s, s, true, true, true); }, "weight", {"batch_norm_grad", "[3]"}));
}

}  // namespace
}  // namespace nabla
