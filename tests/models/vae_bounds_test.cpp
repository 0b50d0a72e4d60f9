// The VAE's bound pieces: the analytic Gaussian KL against a Monte-Carlo
// estimate, and the IWAE ordering log p(x) >= IWAE_k' >= IWAE_k >= ELBO
// (k' > k, on average; Burda et al. 2016, theorem 1) on a model with a 1-D
// latent whose exact log p(x) comes from quadrature.
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/vae/bounds.h"
#include "models/vae/model.h"
#include "models/vae/schedule.h"
#include "tests/testing.h"

namespace nabla::vae {
namespace {

TEST(VaeBounds, DiagonalGaussianKlMatchesMonteCarlo) {
  const Tensor mu1 = tensor<double>({0.3, -1.0, 2.0}, {1, 3}), lv1 = tensor<double>({-0.5, 0.4, -1.2}, {1, 3});
  const Tensor mu2 = tensor<double>({-0.2, 0.5, 1.0}, {1, 3}), lv2 = tensor<double>({0.3, -0.2, 0.1}, {1, 3});
  const double analytic = kl_diag_normal(mu1, lv1, mu2, lv2).item();
  Generator gen(5);
  const int64_t n = 200000;
  const Tensor z = reparameterise(mu1, lv1, randn({n, 3}, DType::f64, &gen));
  const Tensor diff = log_normal_diag(z, mu1, lv1) - log_normal_diag(z, mu2, lv2);
  const double estimate = mean(diff).item();
  const double stderr_ = nabla::std(diff).item() / std::sqrt(static_cast<double>(n));
  EXPECT_GT(analytic, 0.5);
  EXPECT_NEAR(estimate, analytic, 4 * stderr_);
  // Against the standard normal, the general formula and the special one agree.
  const Tensor zero = zeros({1, 3}, DType::f64);
  EXPECT_NEAR(kl_standard_normal(mu1, lv1).item(), kl_diag_normal(mu1, lv1, zero, zero).item(), 1e-12);
}

TEST(VaeBounds, IwaeBoundsAreOrderedBelowTheExactLogLikelihood) {
  VaeArch arch;
  arch.z_dim = 1;
  arch.hidden = 8;
  Generator init(3);
  const Vae vae(arch, &init);
  NoGradGuard no_grad;
  // Two data points drawn from the model at z = -1 and z = 0.8.
  Generator gen(9);
  const Tensor z_true = tensor<float>({-1.0f, 0.8f}, {2, 1});
  const Tensor x = bernoulli(sigmoid(vae.decode(z_true, Tensor()).loc), &gen);
  // log p(x) = log int p(x|z) N(z; 0, 1) dz by the midpoint rule on [-10, 10].
  const int64_t m = 2000;
  const double h = 20.0 / m;
  const Tensor grid = reshape(arange(-10 + h / 2, 10.0, h, DType::f32), {m, 1});
  const Decoded on_grid = vae.decode(grid, Tensor());
  for (int64_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    const Tensor xi = slice(x, 0, i, i + 1);
    const Tensor joint = vae.log_likelihood(expand(xi, {m, kPixels}), on_grid) + log_standard_normal(grid);
    const double log_p = logsumexp(to(joint, DType::f64)).item() + std::log(h);
    // Each bound averaged over repeats: E[IWAE_k] rises with k towards log p.
    const int64_t repeats = 32;
    const Tensor rows = expand(xi, {repeats, kPixels});
    Generator same(gen.seed());  // k = 1 draws the noise the ELBO draws: it is the ELBO
    same.set_offset(gen.offset());
    const Terms t = vae.terms(rows, Tensor(), &same);
    const double elbo = -mean(to(t.rate + t.distortion, DType::f64)).item();
    std::vector<double> bound;
    for (int64_t k : {1, 10, 100}) bound.push_back(mean(to(vae.iwae(rows, Tensor(), k, &gen), DType::f64)).item());
    EXPECT_NEAR(bound[0], elbo, 1e-3 * std::abs(elbo));
    EXPECT_LT(bound[0], bound[1]);
    EXPECT_LT(bound[1], bound[2]);
    EXPECT_LT(bound[2], log_p + 0.05);
    EXPECT_GT(log_p - elbo, 1.0);  // the test needs a gap to close
    std::printf("log p %.3f, IWAE_100 %.3f, IWAE_10 %.3f, ELBO %.3f\n", log_p, bound[2], bound[1], elbo);
  }
}

TEST(VaeSchedule, ConstantLinearCyclic) {
  BetaSchedule s;
  s.beta = 4;
  EXPECT_EQ(s.at(0), 4);
  s.kind = BetaKind::linear;
  s.warmup = 100;
  EXPECT_EQ(s.at(0), 0);
  EXPECT_DOUBLE_EQ(s.at(25), 1);
  EXPECT_EQ(s.at(100), 4);
  EXPECT_EQ(s.at(1000), 4);
  s.kind = BetaKind::cyclic;
  s.total = 400;
  s.cycles = 4;
  s.ratio = 0.5;  // period 100: rises over 50 steps, holds for 50
  EXPECT_EQ(s.at(0), 0);
  EXPECT_DOUBLE_EQ(s.at(25), 2);
  EXPECT_EQ(s.at(60), 4);
  EXPECT_EQ(s.at(100), 0);
  EXPECT_DOUBLE_EQ(s.at(125), 2);
  EXPECT_THROW_MESSAGE(parse_beta_kind("vae", "cosine"), std::invalid_argument, "vae", "cosine");
}

}  // namespace
}  // namespace nabla::vae
