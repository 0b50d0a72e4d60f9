#include "core/loss.h"

#include <cmath>

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

TEST(BceWithLogitsPrim, MatchesNaiveFormulaAndReductions) {
  const std::vector<double> x = {-2.0, -0.5, 0.0, 0.7, 3.0, 1.2}, t = {0.0, 1.0, 0.3, 1.0, 0.0, 0.5};
  std::vector<double> want;
  for (size_t i = 0; i < x.size(); ++i)
    want.push_back(-(t[i] * std::log(sigmoid(x[i])) + (1 - t[i]) * std::log(1 - sigmoid(x[i]))));
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor X = prim::to(tensor<double>(x, {2, 3}), dt), T = prim::to(tensor<double>(t, {2, 3}), dt);
    const double tol = dt == DType::f32 ? 1e-5 : 1e-12;
    EXPECT_TRUE(allclose(prim::binary_cross_entropy_with_logits(X, T, Reduction::none),
                         prim::to(tensor<double>(want, {2, 3}), dt), tol, tol));
    double s = 0;
    for (double v : want) s += v;
    EXPECT_NEAR(prim::binary_cross_entropy_with_logits(X, T, Reduction::sum).item(), s, 10 * tol);
    EXPECT_NEAR(prim::binary_cross_entropy_with_logits(X, T).item(), s / 6, 10 * tol);
    EXPECT_TRUE(allclose(prim::binary_cross_entropy_with_logits(noncontiguous(X), noncontiguous(T), Reduction::none),
                         prim::to(tensor<double>(want, {2, 3}), dt), tol, tol));
  }
}

TEST(BceWithLogitsPrim, PosWeightMatchesNaiveFormula) {
  const std::vector<double> x = {-1.0, 0.5, 2.0, -0.3}, t = {1.0, 0.0, 0.6, 1.0}, pw = {2.0, 0.5};
  std::vector<double> want;
  for (size_t i = 0; i < x.size(); ++i) {
    const double p = pw[i % 2];
    want.push_back(-(p * t[i] * std::log(sigmoid(x[i])) + (1 - t[i]) * std::log(1 - sigmoid(x[i]))));
  }
  const Tensor l = prim::binary_cross_entropy_with_logits(tensor<double>(x, {2, 2}), tensor<double>(t, {2, 2}),
                                                          Reduction::none, tensor<double>(pw));
  EXPECT_TRUE(allclose(l, tensor<double>(want, {2, 2}), 1e-12, 1e-12));
}

TEST(BceWithLogitsPrim, ExtremeLogitsStayFinite) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor X = prim::to(tensor<double>({100.0, -100.0, 100.0, -100.0}), dt);
    const Tensor T = prim::to(tensor<double>({0.0, 1.0, 1.0, 0.0}), dt);
    EXPECT_TRUE(allclose(prim::binary_cross_entropy_with_logits(X, T, Reduction::none),
                         prim::to(tensor<double>({100.0, 100.0, 0.0, 0.0}), dt), 1e-6, 1e-6));
  }
}

TEST(BceWithLogitsPrim, BadInputsNameTheOpAndShapes) {
  EXPECT_THROW_MESSAGE(prim::binary_cross_entropy_with_logits(zeros({2, 3}), zeros({3, 2})), std::invalid_argument,
                       "binary_cross_entropy_with_logits", "[2, 3]", "[3, 2]");
  EXPECT_THROW_MESSAGE(
      prim::binary_cross_entropy_with_logits(zeros({2, 3}), zeros({2, 3}), Reduction::mean, zeros({2})),
      std::invalid_argument, "pos_weight");
}

// -log softmax(row)[t] with label smoothing e, by explicit loops.
double naive_ce(const std::vector<double>& row, int64_t t, double e = 0) {
  double m = row[0];
  for (double v : row) m = std::max(m, v);
  double s = 0;
  for (double v : row) s += std::exp(v - m);
  const double lse = m + std::log(s);
  double smooth = 0;
  for (double v : row) smooth += (lse - v) / row.size();
  return (1 - e) * (lse - row[t]) + e * smooth;
}

TEST(CrossEntropyPrim, MatchesNaiveLoopsIncludingExtremeLogits) {
  const std::vector<double> x = {1.0, 2.0, 0.5, -1.0, 100.0, -100.0, 0.0, 100.0, -100.0, 100.0, 100.0, 3.0};
  const std::vector<int64_t> t = {1, 2, 0};
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor X = prim::to(tensor<double>(x, {3, 4}), dt);
    const Tensor T = tensor<int64_t>(t);
    std::vector<double> want;
    for (int n = 0; n < 3; ++n) want.push_back(naive_ce({x.begin() + 4 * n, x.begin() + 4 * n + 4}, t[n]));
    const double tol = dt == DType::f32 ? 1e-5 : 1e-12;
    const Tensor l = prim::cross_entropy(X, T, Reduction::none);
    EXPECT_TRUE(allclose(l, prim::to(tensor<double>(want), dt), tol, tol));
    for (double v : to_vector<double>(l)) EXPECT_TRUE(std::isfinite(v));
    EXPECT_NEAR(prim::cross_entropy(X, T).item(), (want[0] + want[1] + want[2]) / 3, 1e-4);
    EXPECT_NEAR(prim::cross_entropy(noncontiguous(X), T, Reduction::sum).item(), want[0] + want[1] + want[2], 1e-4);
  }
}

TEST(CrossEntropyPrim, SpatialLogitsAndLabelSmoothing) {
  // logits [N=2, C=3, L=2]: each (n, l) is a row over the 3 classes.
  Generator gen(3);
  const Tensor X = randn({2, 3, 2}, DType::f64, &gen);
  const Tensor T = tensor<int64_t>({0, 2, 1, 1}, {2, 2});
  const auto xv = to_vector<double>(X);
  const int64_t tv[] = {0, 2, 1, 1};
  std::vector<double> want, want_smooth;
  for (int n = 0; n < 2; ++n)
    for (int l = 0; l < 2; ++l) {
      std::vector<double> row;
      for (int c = 0; c < 3; ++c) row.push_back(xv[(n * 3 + c) * 2 + l]);
      want.push_back(naive_ce(row, tv[n * 2 + l]));
      want_smooth.push_back(naive_ce(row, tv[n * 2 + l], 0.2));
    }
  EXPECT_TRUE(allclose(prim::cross_entropy(X, T, Reduction::none), tensor<double>(want, {2, 2}), 1e-12, 1e-12));
  EXPECT_TRUE(allclose(prim::cross_entropy(X, T, Reduction::none, 0.2), tensor<double>(want_smooth, {2, 2}), 1e-12,
                       1e-12));
}

TEST(CrossEntropyPrim, BadTargetsAreNamed) {
  const Tensor X = zeros({3, 5});
  EXPECT_THROW_MESSAGE(prim::cross_entropy(X, tensor<int64_t>({0, 7, 1})), std::invalid_argument, "cross_entropy",
                       "target 7", "index 1", "[0, 5)");
  EXPECT_THROW_MESSAGE(prim::cross_entropy(X, tensor<int64_t>({0, -1, 1})), std::invalid_argument, "target -1");
  EXPECT_THROW_MESSAGE(prim::cross_entropy(X, zeros({3})), std::invalid_argument, "cross_entropy", "i64");
  EXPECT_THROW_MESSAGE(prim::cross_entropy(X, tensor<int64_t>({0, 1})), std::invalid_argument, "cross_entropy",
                       "[3, 5]", "[2]");
  EXPECT_THROW_MESSAGE(prim::nll_loss(X, tensor<int64_t>({0, 5, 1})), std::invalid_argument, "nll_loss", "target 5");
}

TEST(NllLossPrim, PicksMinusLogProbOfTarget) {
  const Tensor lp = tensor<double>({-0.1, -2.0, -3.0, -1.5, -0.7, -0.2}, {2, 3});
  const Tensor T = tensor<int64_t>({2, 1});
  EXPECT_TRUE(allclose(prim::nll_loss(lp, T, Reduction::none), tensor<double>({3.0, 0.7})));
  EXPECT_NEAR(prim::nll_loss(noncontiguous(lp), T).item(), 1.85, 1e-12);
}

TEST(RegressionLossPrim, MseAndL1MatchNaiveFormulas) {
  for (DType dt : {DType::f32, DType::f64}) {
    const Tensor a = prim::to(tensor<double>({1.0, -2.0, 0.5, 3.0}, {2, 2}), dt);
    const Tensor b = prim::to(tensor<double>({0.0, 1.0, 0.5, 1.0}, {2, 2}), dt);
    EXPECT_TRUE(allclose(prim::mse_loss(a, b, Reduction::none), prim::to(tensor<double>({1, 9, 0, 4}, {2, 2}), dt)));
    EXPECT_NEAR(prim::mse_loss(a, b).item(), 3.5, 1e-6);
    EXPECT_NEAR(prim::l1_loss(noncontiguous(a), b, Reduction::sum).item(), 6.0, 1e-6);
    EXPECT_NEAR(prim::l1_loss(a, b).item(), 1.5, 1e-6);
  }
  EXPECT_THROW_MESSAGE(prim::mse_loss(zeros({2, 2}), zeros({4})), std::invalid_argument, "mse_loss", "[2, 2]", "[4]");
  EXPECT_THROW_MESSAGE(prim::l1_loss(zeros({3}), zeros({3}, DType::f64)), std::invalid_argument, "l1_loss");
}

}  // namespace
}  // namespace nabla
