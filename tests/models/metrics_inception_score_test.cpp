// Inception Score: its two ends (one-hot predictions spread evenly: the
// number of classes; identical predictions: 1), a value by hand, the splits.
#include "models/metrics/inception_score.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "autograd/nabla.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

// n one-hot rows, row i of class i % c.
Tensor one_hot_cycle(int64_t n, int64_t c) {
  std::vector<double> p(n * c, 0.0);
  for (int64_t i = 0; i < n; ++i) p[i * c + i % c] = 1;
  return tensor<double>(p, {n, c});
}

TEST(InceptionScore, EvenOneHotGivesTheNumberOfClasses) {
  const InceptionScore s = inception_score(one_hot_cycle(1000, 10), 1);
  EXPECT_NEAR(s.mean, 10.0, 1e-10);
  EXPECT_EQ(s.std, 0.0);
  // Ten shuffled splits of 1000 each: each split's classes are nearly even.
  const InceptionScore ten = inception_score(to(one_hot_cycle(10000, 10), DType::f32), 10, 3);
  EXPECT_GT(ten.mean, 9.8);
  EXPECT_LE(ten.mean, 10.0 + 1e-9);
  EXPECT_GT(ten.std, 0.0);
  EXPECT_LT(ten.std, 0.1);
}

TEST(InceptionScore, UniformOrIdenticalPredictionsGiveOne) {
  EXPECT_NEAR(inception_score(full({500, 10}, 0.1, DType::f64), 10).mean, 1.0, 1e-12);
  std::vector<double> same(200 * 3);
  for (int64_t i = 0; i < 200; ++i) same[i * 3] = 0.2, same[i * 3 + 1] = 0.5, same[i * 3 + 2] = 0.3;
  const InceptionScore s = inception_score(tensor<double>(same, {200, 3}), 10);
  EXPECT_NEAR(s.mean, 1.0, 1e-12);
  EXPECT_NEAR(s.std, 0.0, 1e-12);
}

TEST(InceptionScore, HandComputedValue) {
  // Rows (0.5, 0.5) and (1, 0): p(y) = (0.75, 0.25);
  // KL1 = 0.5 ln(0.5 / 0.75) + 0.5 ln(0.5 / 0.25), KL2 = ln(1 / 0.75).
  const double kl1 = 0.5 * std::log(0.5 / 0.75) + 0.5 * std::log(2.0), kl2 = std::log(1 / 0.75);
  const InceptionScore s = inception_score(tensor<double>({0.5, 0.5, 1, 0}, {2, 2}), 1);
  EXPECT_NEAR(s.mean, std::exp((kl1 + kl2) / 2), 1e-12);
}

TEST(InceptionScore, SplitsAreSeededShuffles) {
  Generator gen(2);
  const Tensor p = softmax(randn({300, 5}, DType::f64, &gen) * 3.0, 1);
  const InceptionScore a = inception_score(p, 10, 1), b = inception_score(p, 10, 1), c = inception_score(p, 10, 2);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.std, b.std);
  EXPECT_NE(a.std, c.std);
  // Between 1 and the number of classes.
  EXPECT_GT(a.mean, 1.0);
  EXPECT_LT(a.mean, 5.0);
}

TEST(InceptionScore, ClearErrors) {
  EXPECT_THROW_MESSAGE(inception_score(full({5, 3}, 1.0 / 3, DType::f64), 10), std::invalid_argument,
                       "inception_score", "splits");
  EXPECT_THROW_MESSAGE(inception_score(full({5}, 0.2, DType::f64), 1), std::invalid_argument, "inception_score",
                       "[N, C]");
  EXPECT_THROW_MESSAGE(inception_score(full({5, 2}, -0.5, DType::f64), 1), std::invalid_argument, "inception_score",
                       ">= 0");
}

}  // namespace
}  // namespace nabla::metrics
