#include <gtest/gtest.h>

#include <cmath>

#include "models/nn/nn.h"
#include "tests/testing.h"

namespace nabla::nn {
namespace {

double mean_of(const Tensor& t) { return mean(to(t, DType::f64)).item(); }
double std_of(const Tensor& t) { return nabla::std(to(t, DType::f64)).item(); }
double max_abs(const Tensor& t) { return max(abs(t)).item(); }

TEST(NnInit, NormalAndUniformStatistics) {
  Generator gen(10);
  Tensor t = empty({200, 250});
  normal_(t, 0.5, 2.0, &gen);
  EXPECT_NEAR(mean_of(t), 0.5, 0.02);
  EXPECT_NEAR(std_of(t), 2.0, 0.02);
  uniform_(t, -1, 3, &gen);
  EXPECT_NEAR(mean_of(t), 1.0, 0.02);
  EXPECT_NEAR(std_of(t), 4 / std::sqrt(12.0), 0.01);
  EXPECT_GE(min(t).item(), -1.0);
  EXPECT_LT(max(t).item(), 3.0);
  zeros_(t);
  EXPECT_EQ(max_abs(t), 0.0);
  ones_(t);
  EXPECT_EQ(mean_of(t), 1.0);
}

TEST(NnInit, WritesParametersThatRequireGrad) {
  Tensor p = zeros({10, 10}).requires_grad_();
  normal_(p, 0, 1);
  EXPECT_GT(max_abs(p), 0.0);
  EXPECT_TRUE(p.requires_grad());
  EXPECT_TRUE(p.is_leaf());
}

TEST(NnInit, XavierBoundsAndStd) {
  Generator gen(11);
  Tensor w = empty({300, 100, 3, 3});  // fan_in 900, fan_out 2700
  xavier_uniform_(w, 2.0, &gen);
  const double bound = 2.0 * std::sqrt(6.0 / 3600.0);
  EXPECT_LE(max_abs(w), bound);
  EXPECT_GT(max_abs(w), 0.99 * bound);
  EXPECT_NEAR(std_of(w), bound / std::sqrt(3.0), 0.01 * bound);
  xavier_normal_(w, 1.0, &gen);
  EXPECT_NEAR(std_of(w), std::sqrt(2.0 / 3600.0), 0.01 * std::sqrt(2.0 / 3600.0));
  EXPECT_THROW(xavier_uniform_(empty({5})), std::invalid_argument);
}

TEST(NnInit, KaimingStd) {
  Generator gen(12);
  Tensor w = empty({400, 200});
  kaiming_normal_(w, 0, FanMode::fan_in, Nonlinearity::relu, &gen);
  EXPECT_NEAR(std_of(w), std::sqrt(2.0 / 200), 0.01 * std::sqrt(2.0 / 200));
  kaiming_normal_(w, 0, FanMode::fan_out, Nonlinearity::relu, &gen);
  EXPECT_NEAR(std_of(w), std::sqrt(2.0 / 400), 0.01 * std::sqrt(2.0 / 400));
  kaiming_uniform_(w, std::sqrt(5.0), FanMode::fan_in, Nonlinearity::leaky_relu, &gen);
  EXPECT_LE(max_abs(w), 1 / std::sqrt(200.0));
  EXPECT_GT(max_abs(w), 0.99 / std::sqrt(200.0));
  EXPECT_DOUBLE_EQ(calculate_gain(Nonlinearity::tanh), 5.0 / 3);
  EXPECT_DOUBLE_EQ(calculate_gain(Nonlinearity::leaky_relu, 0.2), std::sqrt(2 / 1.04));
  EXPECT_EQ(fan_in_and_fan_out(empty({8, 3, 5, 5})), (std::pair<int64_t, int64_t>{75, 200}));
}

TEST(NnInit, DcganInit) {
  Generator gen(13);
  Sequential net({std::make_shared<ConvTranspose2d>(64, 64, std::array<int64_t, 2>{4, 4}),
                  std::make_shared<BatchNorm2d>(1000), std::make_shared<Linear>(100, 200)});
  dcgan_init(net, &gen);
  const auto sd = net.state_dict();
  EXPECT_EQ(sd[0].first, "0.weight");
  EXPECT_NEAR(std_of(sd[0].second), 0.02, 0.001);
  EXPECT_NEAR(mean_of(sd[0].second), 0.0, 0.001);
  EXPECT_EQ(max_abs(sd[1].second), 0.0);  // conv bias
  EXPECT_EQ(sd[2].first, "1.weight");
  EXPECT_NEAR(mean_of(sd[2].second), 1.0, 0.003);
  EXPECT_NEAR(std_of(sd[2].second), 0.02, 0.003);
  EXPECT_EQ(max_abs(sd[3].second), 0.0);
  EXPECT_EQ(sd[7].first, "2.weight");
  EXPECT_NEAR(std_of(sd[7].second), 0.02, 0.001);
}

}  // namespace
}  // namespace nabla::nn
