// Autoencoders: a linear one trained with MSE spans the data's principal
// subspace (Baldi & Hornik 1989); the sparsity penalties and noises do what
// they say; the image autoencoders learn on Fashion-MNIST.
#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "core/eigh.h"
#include "models/ae/ae.h"
#include "models/ae/ae_trainer.h"
#include "models/nn/nn.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::ae {
namespace {

// Orthonormal basis [d, k] of the columns of w [d, k]: w (w^T w)^{-1/2}.
Tensor orthonormal_columns(const Tensor& w) {
  const auto [values, vectors] = prim::eigh(matmul(t(w), w));
  return matmul(w, vectors) * unsqueeze(rsqrt(values), 0);
}

// The largest principal angle (radians) between the column spaces of
// orthonormal a and b [d, k]: the cosines are the singular values of a^T b.
double largest_principal_angle(const Tensor& a, const Tensor& b) {
  const Tensor m = matmul(t(a), b);
  const double smallest_cos2 = to_vector<double>(prim::eigh(matmul(t(m), m)).first)[0];
  return std::acos(std::sqrt(std::min(1.0, smallest_cos2)));
}

TEST(AePca, LinearAutoencoderSpansThePrincipalSubspace) {
  const int64_t d = 8, k = 3, n = 512;
  Generator gen(1);
  const Tensor r = randn({d, d}, DType::f64, &gen);
  const Tensor basis = prim::eigh(r + t(r)).second;  // a random rotation
  const Tensor scale = tensor<double>({3.0, 2.0, 1.5, 0.3, 0.25, 0.2, 0.15, 0.1}, {d});
  const Tensor x = matmul(randn({n, d}, DType::f64, &gen) * scale, t(basis)) + 0.5;
  const Tensor centred = x - mean(x, {0}, true);
  const Tensor top = slice(prim::eigh(matmul(t(centred), centred) / static_cast<double>(n)).second, 1, d - k, d);

  AeArch arch;
  arch.in = d;
  arch.hidden = {};
  arch.code = k;
  arch.linear = true;
  Generator init(2);
  const Autoencoder net = make_autoencoder(arch, &init);
  net.encoder->to(DType::f64);
  net.decoder->to(DType::f64);
  const Tensor decoder_weight = net.decoder->named_parameters().at(0).second;  // [d, k]
  ASSERT_EQ(decoder_weight.shape(), (Shape{d, k}));
  const double angle_before = largest_principal_angle(orthonormal_columns(detach(decoder_weight)), top);
  nn::Adam opt(net.parameters(), 0.02);
  for (int i = 0; i < 800; ++i) {
    opt.zero_grad();
    backward(mean(sum(square(net.reconstruct(x) - x), {1})));
    opt.step();
  }
  const double angle = largest_principal_angle(orthonormal_columns(detach(decoder_weight)), top);
  EXPECT_GT(angle_before, 0.3);
  EXPECT_LT(angle * 180 / std::numbers::pi, 1.0);  // degrees
}

TEST(AePenalties, KlSparsityAndL1) {
  const Tensor h = tensor<double>({0.1, 0.5, 0.3, 0.5}, {2, 2});  // unit means 0.2, 0.5
  const double rho = 0.2;
  const double expected = rho * std::log(rho / 0.5) + (1 - rho) * std::log((1 - rho) / 0.5);
  EXPECT_NEAR(kl_sparsity(h, rho).item(), expected, 1e-12);  // the first unit is on target
  EXPECT_NEAR(l1_sparsity(h).item(), (0.6 + 0.8) / 2, 1e-12);
}

TEST(AePenalties, Noises) {
  Generator gen(3);
  const Tensor x = ones({100, 100}, DType::f64);
  EXPECT_NEAR(mean(to(eq(corrupt(x, Noise::masking, 0.25, &gen), zeros_like(x)), DType::f64)).item(), 0.25, 0.02);
  EXPECT_NEAR(nabla::std(corrupt(x, Noise::gaussian, 0.3, &gen)).item(), 0.3, 0.01);
  EXPECT_TRUE(testing::allclose(corrupt(x, Noise::none, 0.3, &gen), x));
  EXPECT_THROW_MESSAGE(parse_noise("denoising-ae", "salt"), std::invalid_argument, "denoising-ae", "salt");
}

// Each autoencoder's test MSE falls well below its value at initialisation.
void check_learns(const std::string& model, AeKind kind, const nlohmann::json& options, const std::string& score) {
  SCOPED_TRACE(model);
  train::TrainConfig c = train::testing::small_config(model, "", 150);
  c.batch = 32;
  c.lr = 2e-3;
  c.options = options;
  c.options["hidden"] = 64;
  c.options["eval_n"] = 300;
  AeTrainer trainer(c, kind);
  const double before = trainer.scores().at(score);
  for (int i = 0; i < 150; ++i) trainer.step();
  const std::map<std::string, double> after = trainer.scores();
  EXPECT_LT(after.at(score), 0.5 * before);
  if (kind == AeKind::sparse) {
    EXPECT_LT(after.at("test_mean_activation"), 0.2);  // from 0.5 towards rho
  }
}

TEST(AeLearns, EveryAutoencoderReconstructsHeldOutImages) {
  SKIP_WITHOUT_FASHION_MNIST();
  check_learns("ae", AeKind::plain, nlohmann::json::object(), "test_mse");
  check_learns("sparse-ae", AeKind::sparse, nlohmann::json::object(), "test_mse");
  check_learns("denoising-ae", AeKind::denoising, {{"noise", "gaussian"}, {"level", 0.3}}, "test_mse_denoised");
}

}  // namespace
}  // namespace nabla::ae
