#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "autograd/nabla.h"
#include "models/data/synthetic.h"

namespace nabla::data {
namespace {

std::vector<float> xy(const Tensor& points) {
  EXPECT_EQ(points.dtype(), DType::f32);
  EXPECT_EQ(points.dim(), 2);
  EXPECT_EQ(points.size(1), 2);
  return to_vector<float>(points);
}

// Per mode: the count and mean of its points, each point within 6 std of
// its centre, and the mean within 4 standard errors of the centre.
void check_mixture(const Mixture& m, int64_t n, int64_t k, double std) {
  ASSERT_EQ(m.points.shape(), (Shape{n, 2}));
  ASSERT_EQ(m.modes.shape(), (Shape{n}));
  ASSERT_EQ(m.centres.shape(), (Shape{k, 2}));
  const auto p = xy(m.points), c = xy(m.centres);
  const auto mode = to_vector<int64_t>(m.modes);
  std::vector<double> sum(static_cast<size_t>(2 * k), 0.0);
  std::vector<int64_t> count(static_cast<size_t>(k), 0);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t j = mode[i];
    ASSERT_GE(j, 0);
    ASSERT_LT(j, k);
    ++count[j];
    for (int d = 0; d < 2; ++d) {
      sum[2 * j + d] += p[2 * i + d];
      ASSERT_LT(std::abs(p[2 * i + d] - c[2 * j + d]), 6 * std) << "point " << i;
    }
  }
  for (int64_t j = 0; j < k; ++j) {
    EXPECT_GT(count[j], n / k / 2) << "mode " << j;  // uniform choice: about n / k each
    for (int d = 0; d < 2; ++d)
      EXPECT_NEAR(sum[2 * j + d] / count[j], c[2 * j + d], 4 * std / std::sqrt(count[j])) << "mode " << j;
  }
}

TEST(DataSynthetic, RingCentresAndModes) {
  const auto c = xy(ring_centres());
  ASSERT_EQ(c.size(), 16u);
  EXPECT_FLOAT_EQ(c[0], 2.0f);
  EXPECT_NEAR(c[1], 0.0, 1e-7);
  EXPECT_NEAR(c[4], 0.0, 1e-6);  // mode 2 at (0, 2)
  EXPECT_FLOAT_EQ(c[5], 2.0f);
  for (int j = 0; j < 8; ++j) EXPECT_NEAR(std::hypot(c[2 * j], c[2 * j + 1]), 2.0, 1e-6);
  Generator gen(1);
  check_mixture(ring_gaussians(4000, &gen), 4000, 8, 0.02);
}

TEST(DataSynthetic, RingRadiiNearTwo) {
  Generator gen(2);
  const auto p = xy(ring_gaussians(2000, &gen).points);
  for (size_t i = 0; i < p.size(); i += 2) ASSERT_NEAR(std::hypot(p[i], p[i + 1]), 2.0, 0.15);
}

TEST(DataSynthetic, GridCentresAndModes) {
  const auto c = xy(grid_centres());
  ASSERT_EQ(c.size(), 50u);
  EXPECT_EQ(c[0], -4.0f);
  EXPECT_EQ(c[1], -4.0f);
  EXPECT_EQ(c[2], -4.0f);
  EXPECT_EQ(c[3], -2.0f);
  EXPECT_EQ(c[48], 4.0f);
  EXPECT_EQ(c[49], 4.0f);
  Generator gen(3);
  check_mixture(grid_gaussians(10000, &gen), 10000, 25, 0.05);
}

TEST(DataSynthetic, SeededReproducibility) {
  Generator a(7), b(7), c(8);
  const Mixture ma = ring_gaussians(100, &a), mb = ring_gaussians(100, &b);
  EXPECT_EQ(xy(ma.points), xy(mb.points));
  EXPECT_EQ(to_vector<int64_t>(ma.modes), to_vector<int64_t>(mb.modes));
  EXPECT_NE(xy(ma.points), xy(ring_gaussians(100, &c).points));
  EXPECT_NE(xy(ma.points), xy(ring_gaussians(100, &a).points));  // the generator advanced
  Generator d(5), e(5);
  EXPECT_EQ(xy(grid_gaussians(64, &d).points), xy(grid_gaussians(64, &e).points));
  EXPECT_EQ(xy(swiss_roll(64, &d)), xy(swiss_roll(64, &e)));
  EXPECT_EQ(xy(two_moons(64, &d).points), xy(two_moons(64, &e).points));
  EXPECT_EQ(xy(circles(64, &d).points), xy(circles(64, &e).points));
}

TEST(DataSynthetic, CirclesRadiiAndLabels) {
  Generator gen(4);
  const int64_t n = 4000;
  const Labelled s = circles(n, &gen);
  const auto p = xy(s.points);
  const auto l = to_vector<int64_t>(s.labels);
  double r_sum[2] = {0, 0};
  int64_t count[2] = {0, 0};
  for (int64_t i = 0; i < n; ++i) {
    ASSERT_EQ(l[i], i % 2);
    const double r = std::hypot(p[2 * i], p[2 * i + 1]);
    ASSERT_NEAR(r, l[i] == 0 ? 1.0 : 0.5, 6 * 0.05);
    r_sum[l[i]] += r;
    ++count[l[i]];
  }
  EXPECT_EQ(count[0], n / 2);
  EXPECT_NEAR(r_sum[0] / count[0], 1.0, 0.01);
  EXPECT_NEAR(r_sum[1] / count[1], 0.5, 0.01);
}

TEST(DataSynthetic, MoonsMeans) {
  Generator gen(5);
  const int64_t n = 4000;
  const Labelled s = two_moons(n, &gen);
  const auto p = xy(s.points);
  const auto l = to_vector<int64_t>(s.labels);
  // E[cos a] = 0 and E[sin a] = 2 / pi for a ~ U[0, pi).
  const double s_mean = 2 / 3.14159265358979;
  double m[2][2] = {{0, 0}, {0, 0}};
  for (int64_t i = 0; i < n; ++i) m[l[i]][0] += p[2 * i] / (n / 2.0), m[l[i]][1] += p[2 * i + 1] / (n / 2.0);
  EXPECT_NEAR(m[0][0], 0.0, 0.05);
  EXPECT_NEAR(m[0][1], s_mean, 0.03);
  EXPECT_NEAR(m[1][0], 1.0, 0.05);
  EXPECT_NEAR(m[1][1], 0.5 - s_mean, 0.03);
}

TEST(DataSynthetic, SwissRollSpansItsRange) {
  Generator gen(6);
  const auto p = xy(swiss_roll(2000, &gen, {.noise = 0.0, .scale = 0.2}));
  double lo = 1e9, hi = 0;
  for (size_t i = 0; i < p.size(); i += 2) {
    // Without noise |point| / scale = t in [1.5 pi, 4.5 pi).
    const double t = std::hypot(p[i], p[i + 1]) / 0.2;
    ASSERT_GE(t, 1.5 * M_PI - 1e-4);
    ASSERT_LT(t, 4.5 * M_PI + 1e-4);
    EXPECT_NEAR(std::remainder(std::atan2(p[i + 1], p[i]) - t, 2 * M_PI), 0.0, 1e-3);  // angle t
    lo = std::min(lo, t), hi = std::max(hi, t);
  }
  EXPECT_LT(lo, 1.5 * M_PI + 0.1);
  EXPECT_GT(hi, 4.5 * M_PI - 0.1);
}

TEST(DataSynthetic, BadArguments) {
  EXPECT_THROW(ring_gaussians(-1), std::invalid_argument);
  EXPECT_THROW(ring_gaussians(10, nullptr, {.modes = 0}), std::invalid_argument);
  EXPECT_THROW(grid_gaussians(10, nullptr, {.std = -1}), std::invalid_argument);
  EXPECT_THROW(circles(10, nullptr, {.factor = 1.5}), std::invalid_argument);
  EXPECT_THROW(two_moons(10, nullptr, {.noise = NAN}), std::invalid_argument);
  try {
    swiss_roll(-3);
    FAIL() << "no throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("swiss_roll"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nabla::data
