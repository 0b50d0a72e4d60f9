// Geometry Score on 2-D sets of known topology: a circle has one long-lived
// one-dimensional hole, two circles two, a filled disc none.
#include "models/metrics/geometry_score.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>

#include "autograd/nabla.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

// n points on the unit circle around (cx, 0), angles uniform.
Tensor circle(int64_t n, double cx, Generator& gen) {
  const Tensor a = rand({n}, DType::f64, &gen) * (2 * std::numbers::pi);
  return stack({cos(a) + cx, sin(a)}, 1);
}

Tensor two_circles(int64_t n, Generator& gen) { return cat({circle(n / 2, -1.6, gen), circle(n - n / 2, 1.6, gen)}, 0); }

Tensor disc(int64_t n, Generator& gen) {
  const Tensor r = sqrt(rand({n}, DType::f64, &gen));
  const Tensor a = rand({n}, DType::f64, &gen) * (2 * std::numbers::pi);
  return stack({r * cos(a), r * sin(a)}, 1);
}

// The reference code's README values, with few repeats to stay fast.
GeometryScoreOptions small() { return {.landmarks = 32, .gamma = 1.0 / 8, .i_max = 10, .repeats = 8, .seed = 1}; }

int64_t mode(const std::vector<double>& mrlt) {
  return std::max_element(mrlt.begin(), mrlt.end()) - mrlt.begin();
}

TEST(GeometryScore, CountsTheHolesOfKnownShapes) {
  Generator gen(5);
  const std::vector<double> c = mean_relative_living_times(circle(400, 0, gen), small());
  const std::vector<double> cc = mean_relative_living_times(two_circles(400, gen), small());
  const std::vector<double> d = mean_relative_living_times(disc(400, gen), small());
  ASSERT_EQ(c.size(), 10u);
  double total = 0;
  for (double v : c) total += v;
  EXPECT_NEAR(total, 1.0, 1e-9);  // a distribution over the number of holes
  EXPECT_EQ(mode(c), 1);
  EXPECT_GT(c[1], 0.7);
  EXPECT_EQ(mode(cc), 2);
  EXPECT_GT(cc[2], 0.7);
  EXPECT_EQ(mode(d), 0);
  EXPECT_GT(d[0], 0.7);
}

TEST(GeometryScore, SmallForTheSameShapeLargeForAnother) {
  Generator gen(6);
  const Tensor a = circle(400, 0, gen), b = circle(400, 0, gen) * 3.0, two = two_circles(400, gen);
  const double same = geometry_score(a, b, small()), other = geometry_score(a, two, small());
  EXPECT_LT(same, 0.02);
  EXPECT_GT(other, 0.8);
  EXPECT_GT(other, 40 * same);
  EXPECT_EQ(geometry_score(std::vector<double>{0.5, 0.5}, {1.0, 0.0}), 0.5);
  EXPECT_THROW_MESSAGE(geometry_score(std::vector<double>{1}, {1, 0}), std::invalid_argument, "geometry_score");
  EXPECT_THROW_MESSAGE(mean_relative_living_times(circle(10, 0, gen), small()), std::invalid_argument,
                       "geometry_score", "N >= landmarks");
}

TEST(GeometryScore, SameSeedSameMrltAndABarChart) {
  Generator gen(7);
  const Tensor x = circle(200, 0, gen);
  GeometryScoreOptions o = small();
  o.repeats = 3;
  EXPECT_EQ(mean_relative_living_times(x, o), mean_relative_living_times(x, o));
  const std::string path = ::testing::TempDir() + "/mrlt.png";
  plot_mrlt(path, {{"circle", mean_relative_living_times(x, o)}}, "MRLT");
  EXPECT_GT(std::filesystem::file_size(path), 1000u);
}

}  // namespace
}  // namespace nabla::metrics
