#include "core/random.h"

#include <cmath>
#include <numeric>

#include "tests/testing.h"

namespace nabla {
namespace {

double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }
double var_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / (v.size() - 1);
}

TEST(Random, SameSeedSameNumbers) {
  Generator a(42), b(42), c(43);
  auto x = to_vector<float>(rand({100}, {}, &a));
  auto y = to_vector<float>(rand({100}, {}, &b));
  auto z = to_vector<float>(rand({100}, {}, &c));
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
}

TEST(Random, StreamIsDefinedBySeedAndOffset) {
  // Drawing 30 then 70 equals drawing 100 at once: element i uses block offset + i.
  Generator a(7), b(7);
  auto whole = to_vector<double>(randn({100}, DType::f64, &a));
  auto first = to_vector<double>(randn({30}, DType::f64, &b));
  auto rest = to_vector<double>(randn({70}, DType::f64, &b));
  first.insert(first.end(), rest.begin(), rest.end());
  EXPECT_EQ(whole, first);
  EXPECT_EQ(a.offset(), 100u);
  b.set_offset(30);
  EXPECT_EQ(to_vector<double>(randn({70}, DType::f64, &b)), rest);
}

TEST(Random, ManualSeedResetsTheDefaultGenerator) {
  manual_seed(5);
  auto x = to_vector<float>(randn({10}));
  manual_seed(5);
  EXPECT_EQ(x, to_vector<float>(randn({10})));
}

TEST(Random, UniformMomentsAndRange) {
  Generator g(1);
  auto v = to_vector<double>(uniform({200000}, -1.0, 3.0, DType::f64, &g));
  for (double x : v) ASSERT_TRUE(x >= -1.0 && x < 3.0);
  EXPECT_NEAR(mean_of(v), 1.0, 0.02);
  EXPECT_NEAR(var_of(v), 16.0 / 12.0, 0.02);
}

TEST(Random, NormalMoments) {
  Generator g(2);
  for (DType t : {DType::f32, DType::f64}) {
    auto v = to_vector<double>(normal({200000}, 2.0, 3.0, t, &g));
    EXPECT_NEAR(mean_of(v), 2.0, 0.03);
    EXPECT_NEAR(std::sqrt(var_of(v)), 3.0, 0.03);
    double fourth = 0;  // kurtosis 3 tells a Gaussian from other symmetric laws
    for (double x : v) fourth += std::pow((x - 2.0) / 3.0, 4);
    EXPECT_NEAR(fourth / v.size(), 3.0, 0.1);
  }
}

TEST(Random, RandintCoversRangeUniformly) {
  Generator g(3);
  auto v = to_vector<int64_t>(randint(-2, 3, {50000}, DType::i64, &g));
  std::vector<int> counts(5, 0);
  for (int64_t x : v) {
    ASSERT_GE(x, -2);
    ASSERT_LT(x, 3);
    ++counts[x + 2];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

TEST(Random, BernoulliFrequency) {
  Generator g(4);
  auto v = to_vector<float>(bernoulli({100000}, 0.3, {}, &g));
  EXPECT_NEAR(mean_of(std::vector<double>(v.begin(), v.end())), 0.3, 0.01);
  Tensor p = tensor<float>({0.0f, 1.0f, 0.0f, 1.0f});
  EXPECT_EQ(to_vector<float>(bernoulli(p, &g)), (std::vector<float>{0, 1, 0, 1}));
}

TEST(Random, BadArgumentsThrow) {
  EXPECT_THROW(randint(3, 3, {2}), std::invalid_argument);
  EXPECT_THROW(bernoulli({2}, 1.5), std::invalid_argument);
  EXPECT_THROW(normal({2}, 0.0, -1.0), std::invalid_argument);
  EXPECT_THROW(rand({2}, DType::i64), std::invalid_argument);
}

}  // namespace
}  // namespace nabla
