#include "core/norm.h"

#include <cmath>

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;

constexpr double kEps = 1e-5;

double rtol_of(DType t) { return t == DType::f32 ? 1e-4 : 1e-10; }

struct Naive {
  std::vector<double> out, mean, var;  // var: biased
};

// Batch norm of x [N, C, S] (row-major) by explicit loops over each channel.
Naive naive_batch_norm(const std::vector<double>& x, int64_t N, int64_t C, int64_t S, const std::vector<double>& w,
                       const std::vector<double>& b) {
  Naive r{std::vector<double>(x.size()), std::vector<double>(C), std::vector<double>(C)};
  const double M = static_cast<double>(N * S);
  for (int64_t c = 0; c < C; ++c) {
    double s = 0, ss = 0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < S; ++i) s += x[(n * C + c) * S + i];
    const double m = s / M;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < S; ++i) ss += (x[(n * C + c) * S + i] - m) * (x[(n * C + c) * S + i] - m);
    r.mean[c] = m;
    r.var[c] = ss / M;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < S; ++i) {
        const int64_t k = (n * C + c) * S + i;
        r.out[k] = (x[k] - m) / std::sqrt(r.var[c] + kEps) * w[c] + b[c];
      }
  }
  return r;
}

Tensor randn_of(const Shape& shape, DType dtype, uint64_t seed) {
  return prim::to(testing::random(shape, seed, {.requires_grad = false}), dtype);
}

TEST(BatchNormPrim, TrainingMatchesNaiveLoopsAndUpdatesRunningStats) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor x = randn_of({4, 3, 5}, dt, 1);
    const Tensor w = prim::to(tensor<double>({1.5, -0.5, 2.0}), dt), b = prim::to(tensor<double>({0.1, 0.2, -0.3}), dt);
    Tensor rm = zeros({3}, dt), rv = ones({3}, dt);
    const uint64_t v0 = rv.version();
    auto r = prim::batch_norm(x, w, b, rm, rv, /*training=*/true, 0.1, kEps);
    const Naive want = naive_batch_norm(to_vector<double>(x), 4, 3, 5, to_vector<double>(w), to_vector<double>(b));
    EXPECT_TRUE(allclose(r.out, prim::to(tensor<double>(want.out, {4, 3, 5}), dt), rtol_of(dt), rtol_of(dt)));
    EXPECT_TRUE(allclose(r.mean, prim::to(tensor<double>(want.mean), dt), rtol_of(dt), rtol_of(dt)));
    // One step with momentum 0.1 from (0, 1): 0.1 mean and 0.9 + 0.1 unbiased var (M = 20).
    std::vector<double> em, ev;
    for (int c = 0; c < 3; ++c) {
      em.push_back(0.1 * want.mean[c]);
      ev.push_back(0.9 + 0.1 * want.var[c] * 20.0 / 19.0);
    }
    EXPECT_TRUE(allclose(rm, prim::to(tensor<double>(em), dt), rtol_of(dt), rtol_of(dt)));
    EXPECT_TRUE(allclose(rv, prim::to(tensor<double>(ev), dt), rtol_of(dt), rtol_of(dt)));
    EXPECT_GT(rv.version(), v0);
  }
}

TEST(BatchNormPrim, EvalUsesRunningStats) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor x = randn_of({3, 2, 2, 2}, dt, 2);
    const Tensor rm = prim::to(tensor<double>({0.5, -1.0}), dt), rv = prim::to(tensor<double>({2.0, 0.25}), dt);
    const Tensor w = prim::to(tensor<double>({3.0, 0.5}), dt), b = prim::to(tensor<double>({1.0, -2.0}), dt);
    auto r = prim::batch_norm(x, w, b, rm, rv, /*training=*/false, 0.1, kEps);
    const auto xv = to_vector<double>(x);
    const double m[] = {0.5, -1.0}, v[] = {2.0, 0.25}, wv[] = {3.0, 0.5}, bv[] = {1.0, -2.0};
    std::vector<double> want(xv.size());
    for (size_t k = 0; k < xv.size(); ++k) {
      const int c = (k / 4) % 2;
      want[k] = (xv[k] - m[c]) / std::sqrt(v[c] + kEps) * wv[c] + bv[c];
    }
    EXPECT_TRUE(allclose(r.out, prim::to(tensor<double>(want, {3, 2, 2, 2}), dt), rtol_of(dt), rtol_of(dt)));
    EXPECT_TRUE(allclose(rm, prim::to(tensor<double>({0.5, -1.0}), dt)));  // untouched
  }
}

TEST(BatchNormPrim, NoAffineNoRunningStatsUsesBatchStatsEvenInEval) {
  const Tensor x = randn_of({5, 4}, DType::f64, 3);
  auto r = prim::batch_norm(x, {}, {}, {}, {}, /*training=*/false);
  const Naive want = naive_batch_norm(to_vector<double>(x), 5, 4, 1, {1, 1, 1, 1}, {0, 0, 0, 0});
  EXPECT_TRUE(allclose(r.out, tensor<double>(want.out, {5, 4}), 1e-10, 1e-10));
}

TEST(BatchNormPrim, NonContiguousInputMatchesContiguous) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor x = randn_of({3, 4, 2, 5}, dt, 4);
    const Tensor w = randn_of({4}, dt, 5), b = randn_of({4}, dt, 6);
    const Tensor xn = noncontiguous(x);
    ASSERT_FALSE(xn.is_contiguous());
    auto a = prim::batch_norm(x, w, b, {}, {}, true);
    auto c = prim::batch_norm(xn, noncontiguous(w), b, {}, {}, true);
    EXPECT_TRUE(allclose(c.out, a.out, rtol_of(dt), rtol_of(dt)));
    const Tensor rm = randn_of({4}, dt, 7), rv = prim::to(tensor<double>({0.5, 1.0, 2.0, 3.0}), dt);
    EXPECT_TRUE(allclose(prim::batch_norm(xn, w, b, rm, rv, false).out, prim::batch_norm(x, w, b, rm, rv, false).out,
                         rtol_of(dt), rtol_of(dt)));
  }
}

TEST(BatchNormPrim, BadInputsNameTheOpAndShapes) {
  const Tensor x = zeros({4, 3});
  EXPECT_THROW_MESSAGE(prim::batch_norm(x, zeros({4}), {}, {}, {}, true), std::invalid_argument, "batch_norm", "[4]",
                       "[4, 3]");
  EXPECT_THROW(prim::batch_norm(zeros({3}), {}, {}, {}, {}, true), std::invalid_argument);
  EXPECT_THROW(prim::batch_norm(zeros({1, 3}), {}, {}, {}, {}, true), std::invalid_argument);
  EXPECT_THROW(prim::batch_norm(x, {}, {}, zeros({3}), {}, true), std::invalid_argument);
  EXPECT_THROW(prim::batch_norm(x, zeros({3}, DType::f64), {}, {}, {}, true), std::invalid_argument);
  EXPECT_THROW(prim::batch_norm(zeros({4, 3}, DType::i64), {}, {}, {}, {}, true), std::invalid_argument);
}

// Layer norm of x [G, K] (row-major) over each row.
std::vector<double> naive_layer_norm(const std::vector<double>& x, int64_t G, int64_t K, const std::vector<double>& w,
                                     const std::vector<double>& b) {
  std::vector<double> out(x.size());
  for (int64_t g = 0; g < G; ++g) {
    double s = 0, ss = 0;
    for (int64_t k = 0; k < K; ++k) s += x[g * K + k];
    const double m = s / K;
    for (int64_t k = 0; k < K; ++k) ss += (x[g * K + k] - m) * (x[g * K + k] - m);
    for (int64_t k = 0; k < K; ++k)
      out[g * K + k] = (x[g * K + k] - m) / std::sqrt(ss / K + kEps) * (w.empty() ? 1 : w[k]) + (b.empty() ? 0 : b[k]);
  }
  return out;
}

TEST(LayerNormPrim, MatchesNaiveLoopsOverTrailingDims) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor x = randn_of({2, 3, 4}, dt, 7);
    const Tensor w = randn_of({3, 4}, dt, 8), b = randn_of({3, 4}, dt, 9);
    auto r = prim::layer_norm(x, {3, 4}, w, b, kEps);
    const auto want = naive_layer_norm(to_vector<double>(x), 2, 12, to_vector<double>(w), to_vector<double>(b));
    EXPECT_TRUE(allclose(r.out, prim::to(tensor<double>(want, {2, 3, 4}), dt), rtol_of(dt), rtol_of(dt)));
    EXPECT_EQ(r.mean.shape(), (Shape{2, 1, 1}));
    auto last = prim::layer_norm(x, {4}, {}, {}, kEps);
    const auto want_last = naive_layer_norm(to_vector<double>(x), 6, 4, {}, {});
    EXPECT_TRUE(allclose(last.out, prim::to(tensor<double>(want_last, {2, 3, 4}), dt), rtol_of(dt), rtol_of(dt)));
  }
}

TEST(LayerNormPrim, NonContiguousInputMatchesContiguous) {
  const Tensor x = randn_of({5, 6}, DType::f64, 10), w = randn_of({6}, DType::f64, 11);
  const Tensor xn = noncontiguous(x);
  ASSERT_FALSE(xn.is_contiguous());
  EXPECT_TRUE(allclose(prim::layer_norm(xn, {6}, noncontiguous(w), {}).out, prim::layer_norm(x, {6}, w, {}).out,
                       1e-12, 1e-12));
}

TEST(LayerNormPrim, BadShapesNameTheOp) {
  EXPECT_THROW_MESSAGE(prim::layer_norm(zeros({2, 3}), {4}, {}, {}), std::invalid_argument, "layer_norm", "[2, 3]");
  EXPECT_THROW(prim::layer_norm(zeros({2, 3}), {3}, zeros({2}), {}), std::invalid_argument);
  EXPECT_THROW(prim::layer_norm(zeros({2, 3}), {}, {}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace nabla
