// Improved precision and recall (Kynkaanniemi et al. 2019) on sets whose
// answers are known: identical, far apart, half the modes, a 1-D hand case.
#include "models/metrics/precision_recall.h"

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

// per_cluster Gaussian points (sd 1) around each of the given 2-D centres.
Tensor clusters(const std::vector<std::pair<double, double>>& centres, int64_t per_cluster, Generator& gen) {
  std::vector<Tensor> parts;
  for (const auto& [x, y] : centres)
    parts.push_back(randn({per_cluster, 2}, DType::f64, &gen) + tensor<double>({x, y}, {1, 2}));
  return cat(parts, 0);
}

TEST(PrecisionRecall, HandComputedOneDimensionalCase) {
  // k = 1. Real radii 1, 1, 1, 2: manifold [-1, 6]. Generated radii 0.3, 0.3,
  // 0.5, 0.5: balls [0.5, 1.1], [0.8, 1.4], [6.5, 7.5], [7, 8].
  const Tensor real = tensor<double>({0, 1, 2, 4}, {4, 1});
  const Tensor fake = tensor<double>({0.8, 1.1, 7, 7.5}, {4, 1});
  const std::vector<double> r = knn_radii(real, 1);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_NEAR(r[0], 1, 1e-12);
  EXPECT_NEAR(r[3], 2, 1e-12);
  EXPECT_NEAR(knn_radii(real, 2)[3], 3, 1e-12);  // 4's distances 4, 3, 2
  const PrecisionRecall pr = precision_recall(real, fake, {.k = 1});
  EXPECT_DOUBLE_EQ(pr.precision, 0.5);  // 0.8 and 1.1 lie in [-1, 6]
  EXPECT_DOUBLE_EQ(pr.recall, 0.25);    // only 1 lies in a generated ball
}

TEST(PrecisionRecall, IdenticalSetsGiveOneAndFarSetsZero) {
  Generator gen(3);
  const Tensor a = randn({60, 8}, DType::f32, &gen);
  const PrecisionRecall same = precision_recall(a, a);
  EXPECT_EQ(same.precision, 1.0);
  EXPECT_EQ(same.recall, 1.0);
  const PrecisionRecall far = precision_recall(a, randn({40, 8}, DType::f32, &gen) + 1000.0);
  EXPECT_EQ(far.precision, 0.0);
  EXPECT_EQ(far.recall, 0.0);
}

TEST(PrecisionRecall, HalfTheModesGivesFullPrecisionHalfRecall) {
  Generator gen(5);
  const std::vector<std::pair<double, double>> all = {{0, 0}, {30, 0}, {0, 30}, {30, 30}};
  const Tensor real = clusters(all, 100, gen);
  // Two of four equally weighted modes: every generated point is realistic,
  // at most half the real points are covered.
  const Tensor half = clusters({all[0], all[1]}, 150, gen);
  const PrecisionRecall pr = precision_recall(real, half);
  EXPECT_GT(pr.precision, 0.9);
  EXPECT_LE(pr.recall, 0.5);
  EXPECT_GT(pr.recall, 0.42);
  // All four modes: both near 1; the blocks do not change the answer.
  const Tensor full = clusters(all, 100, gen);
  const PrecisionRecall both = precision_recall(real, full, {.k = 3, .block = 7});
  EXPECT_GT(both.precision, 0.9);
  EXPECT_GT(both.recall, 0.9);
  const PrecisionRecall big = precision_recall(real, full, {.k = 3, .block = 1000});
  EXPECT_EQ(both.precision, big.precision);
  EXPECT_EQ(both.recall, big.recall);
}

TEST(PrecisionRecall, RejectsBadInput) {
  const Tensor a = zeros({3, 2}, DType::f64);
  EXPECT_THROW_MESSAGE(precision_recall(a, a, {.k = 3}), std::invalid_argument, "precision_recall", "k must be");
  EXPECT_THROW_MESSAGE(precision_recall(a, zeros({4, 5}, DType::f64), {.k = 1}), std::invalid_argument,
                       "precision_recall", "feature dims differ");
  EXPECT_THROW_MESSAGE(knn_radii(a, 1, 0), std::invalid_argument, "precision_recall", "block");
}

}  // namespace
}  // namespace nabla::metrics
