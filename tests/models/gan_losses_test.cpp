// The GAN objectives and the critic's regularisers against hand-computed
// values, and the gradient penalty's own gradient (a double backward) by
// finite differences.
#include <cmath>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/gan/losses.h"
#include "models/gan/penalties.h"
#include "tests/testing.h"

namespace nabla::gan {
namespace {

double softplus_of(double x) { return std::log1p(std::exp(x)); }

// D's outputs on two real and two fake samples, [2, 1].
Tensor real_out() { return tensor<double>({0.5, -1.0}, {2, 1}); }
Tensor fake_out() { return tensor<double>({0.2, 2.0}, {2, 1}); }

TEST(GanLosses, ClassifierLosses) {
  // -log sigmoid(r) = softplus(-r); -log(1 - sigmoid(f)) = softplus(f).
  const double d = (softplus_of(-0.5) + softplus_of(1.0)) / 2 + (softplus_of(0.2) + softplus_of(2.0)) / 2;
  EXPECT_NEAR(d_loss(Loss::minimax, real_out(), fake_out()).item(), d, 1e-12);
  EXPECT_NEAR(d_loss(Loss::non_saturating, real_out(), fake_out()).item(), d, 1e-12);
  // minimax G: mean log(1 - sigmoid(f)) = -mean softplus(f) = -(0.798139 + 2.126928) / 2.
  EXPECT_NEAR(g_loss(Loss::minimax, fake_out()).item(), -(0.7981388693815918 + 2.1269280110429727) / 2, 1e-12);
  // non-saturating G: mean -log sigmoid(f) = mean softplus(-f) = (0.598139 + 0.126928) / 2.
  EXPECT_NEAR(g_loss(Loss::non_saturating, fake_out()).item(), (0.5981388693815918 + 0.1269280110429725) / 2, 1e-12);
}

TEST(GanLosses, LeastSquares) {
  // D: ((0.5 - 1)^2 + (-1 - 1)^2) / 4 + (0.2^2 + 2^2) / 4 = (0.25 + 4 + 0.04 + 4) / 4.
  EXPECT_NEAR(d_loss(Loss::least_squares, real_out(), fake_out()).item(), 8.29 / 4, 1e-12);
  // G: ((0.2 - 1)^2 + (2 - 1)^2) / 4 = (0.64 + 1) / 4.
  EXPECT_NEAR(g_loss(Loss::least_squares, fake_out()).item(), 1.64 / 4, 1e-12);
}

TEST(GanLosses, Wasserstein) {
  // D: mean f - mean r = 1.1 - (-0.25); G: -mean f.
  EXPECT_NEAR(d_loss(Loss::wasserstein, real_out(), fake_out()).item(), 1.35, 1e-12);
  EXPECT_NEAR(g_loss(Loss::wasserstein, fake_out()).item(), -1.1, 1e-12);
}

TEST(GanLosses, NamesRoundTripAndUnknownNamesThrow) {
  for (Loss l : {Loss::minimax, Loss::non_saturating, Loss::least_squares, Loss::wasserstein})
    EXPECT_EQ(parse_loss(loss_name(l), "gan"), l);
  EXPECT_THROW_MESSAGE(parse_loss("hinge", "gan"), std::invalid_argument, "gan", "hinge", "minimax");
}

// x [3, 2] requiring grad.
Tensor points() {
  Tensor x = tensor<double>({1.0, 2.0, -0.5, 0.0, 0.3, -0.4}, {3, 2});
  x.requires_grad_(true);
  return x;
}

TEST(GanPenalties, GradientPenaltyOfAQuadraticCritic) {
  // D(x) = sum x^2: grad 2x, norms 2 sqrt(5), 1, 1; lambda mean (norm - 1)^2.
  const Tensor x = points();
  const double n0 = 2 * std::sqrt(5.0);
  EXPECT_NEAR(gradient_penalty_at(sum(square(x), {1}), x, 10).item(), 10 * ((n0 - 1) * (n0 - 1) + 0 + 0) / 3, 1e-9);
}

TEST(GanPenalties, R1IsHalfGammaTimesTheMeanSquaredGradientNorm) {
  // D(x) = sum x^2: ||grad||^2 = 4 ||x||^2 = 20, 1, 1; gamma / 2 mean = 5 * 22 / 3.
  const Tensor x = points();
  EXPECT_NEAR(gradient_norm_penalty(sum(square(x), {1}), x, 10).item(), 5 * 22.0 / 3, 1e-9);
  // Linear D(x) = x . (3, 4): ||grad||^2 = 25 for every sample.
  const Tensor y = points();
  EXPECT_NEAR(gradient_norm_penalty(matmul(y, tensor<double>({3.0, 4.0}, {2, 1})), y, 1).item(), 12.5, 1e-12);
}

// A tiny critic tanh(x W^T + b) v on fixed x_hat [3, 2] (2 -> 3 -> 1).
Tensor tiny_critic(const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& v) {
  return matmul(tanh(matmul(x, transpose(w, 0, 1)) + b), v);
}

TEST(GanPenalties, PenaltiesHaveCorrectGradientsInTheCriticsParameters) {
  Generator gen(3);
  const Tensor w = randn({3, 2}, DType::f64, &gen), b = randn({3}, DType::f64, &gen), v = randn({3, 1}, DType::f64, &gen);
  for (const Tensor& p : {w, b, v}) p.requires_grad_(true);
  auto gp = [](const std::vector<Tensor>& in) {
    const Tensor x = points();
    return std::vector<Tensor>{gradient_penalty_at(tiny_critic(x, in[0], in[1], in[2]), x, 10)};
  };
  EXPECT_GRADCHECK(gradcheck(gp, {w, b, v}));
  auto r1 = [](const std::vector<Tensor>& in) {
    const Tensor x = points();
    return std::vector<Tensor>{gradient_norm_penalty(tiny_critic(x, in[0], in[1], in[2]), x, 10)};
  };
  EXPECT_GRADCHECK(gradcheck(r1, {w, b, v}));
}

TEST(GanPenalties, InterpolatesLieOnTheSegmentOnePointPerSample) {
  Generator gen(5);
  const Tensor real = randn({64, 1, 2, 2}, DType::f64, &gen), fake = randn({64, 1, 2, 2}, DType::f64, &gen);
  const Tensor x_hat = interpolates(real, fake, gen);
  EXPECT_TRUE(x_hat.requires_grad());
  // eps = (x_hat - fake) / (real - fake), the same in every entry of a sample.
  const Tensor eps = (x_hat - fake) / (real - fake);
  const Tensor lo = min(eps, {1, 2, 3}), hi = max(eps, {1, 2, 3});
  EXPECT_LT(max(hi - lo).item(), 1e-9);
  EXPECT_GE(min(lo).item(), 0.0);
  EXPECT_LE(max(hi).item(), 1.0);
  EXPECT_GT(nabla::std(lo).item(), 0.15);  // U[0, 1] has std 0.29: not one eps for all
}

TEST(GanPenalties, InstanceNoiseAnnealsLinearlyToZero) {
  EXPECT_DOUBLE_EQ(instance_noise_std(0.1, 0, 100), 0.1);
  EXPECT_DOUBLE_EQ(instance_noise_std(0.1, 25, 100), 0.075);
  EXPECT_DOUBLE_EQ(instance_noise_std(0.1, 100, 100), 0.0);
  EXPECT_DOUBLE_EQ(instance_noise_std(0.1, 150, 100), 0.0);
}

}  // namespace
}  // namespace nabla::gan
