// Qi's loss-sensitive GAN and GLS-GAN (models/gan/loss_sensitive.h): the
// leaky cost's values and gradients, the margin, the critic's objective
// against a hand computation and its gradients, and slope 1 reducing the
// critic's objective to WGAN's.
#include <gtest/gtest.h>

#include "autograd/gradcheck.h"
#include "autograd/nabla.h"
#include "models/gan/loss_sensitive.h"
#include "models/gan/losses.h"
#include "models/gan/nets.h"
#include "models/registry.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::gan {
namespace {

using nabla::testing::allclose;

TEST(LossSensitive, LeakyCostValuesAndGradients) {
  for (double slope : {0.0, 0.3, 1.0}) {
    Tensor a = tensor<double>({-2, -0.5, 0.5, 3}, {4});
    a.requires_grad_(true);
    const Tensor c = leaky_cost(a, slope);
    EXPECT_TRUE(allclose(c, tensor<double>({-2 * slope, -0.5 * slope, 0.5, 3}, {4}))) << slope;
    backward(sum(c));
    EXPECT_TRUE(allclose(a.grad(), tensor<double>({slope, slope, 1, 1}, {4}))) << slope;
  }
}

TEST(LossSensitive, LossValuesAreNonNegativeAsAsked) {
  const Tensor d = tensor<double>({-1.5, 0.25}, {2, 1});
  EXPECT_TRUE(allclose(loss_values(d, Nonneg::relu), tensor<double>({0, 0.25}, {2})));
  EXPECT_TRUE(allclose(loss_values(d, Nonneg::abs), tensor<double>({1.5, 0.25}, {2})));
  EXPECT_TRUE(allclose(loss_values(d, Nonneg::softplus),
                       tensor<double>({std::log1p(std::exp(-1.5)), std::log1p(std::exp(0.25))}, {2})));
  EXPECT_TRUE(allclose(loss_values(d, Nonneg::none), tensor<double>({-1.5, 0.25}, {2})));
  EXPECT_THROW_MESSAGE(parse_nonneg("square", "lsgan-qi"), std::invalid_argument, "lsgan-qi", "square", "softplus");
}

TEST(LossSensitive, MarginIsTauTimesThePairsL1Distance) {
  const Tensor real = tensor<double>({1, 2, 3, 4, 0, 0, 0, 0}, {2, 1, 2, 2});
  Tensor fake = tensor<double>({0, 0, 0, 0, 1, -1, 1, -1}, {2, 1, 2, 2});
  fake.requires_grad_(true);
  const Tensor m = l1_margin(real, fake, 0.5);
  EXPECT_TRUE(allclose(m, tensor<double>({5, 2}, {2})));
  EXPECT_FALSE(m.requires_grad());  // a constant for both players
}

// gamma E L(x) + E C(margin + L(x) - L(G(z))) by hand, and its gradients.
TEST(LossSensitive, CriticLossMatchesTheFormulaAndGradchecks) {
  const Tensor l_real = tensor<double>({0.5, 1.0, 0.1}, {3});
  const Tensor l_fake = tensor<double>({0.2, 2.0, 0.3}, {3});
  const Tensor margin = tensor<double>({0.1, 0.4, 0.1}, {3});
  // a = margin + l_real - l_fake = {0.4, -0.6, -0.1}
  LossSensitive o;
  o.gamma = 0.5;
  o.slope = 0.25;
  const double expected = 0.5 * (1.6 / 3) + (0.4 - 0.25 * 0.6 - 0.25 * 0.1) / 3;
  EXPECT_NEAR(ls_critic_loss(l_real, l_fake, margin, o).item(), expected, 1e-12);
  o.slope = 0;  // LS-GAN's hinge
  EXPECT_NEAR(ls_critic_loss(l_real, l_fake, margin, o).item(), 0.5 * (1.6 / 3) + 0.4 / 3, 1e-12);
  Tensor lr = clone(l_real), lf = clone(l_fake);
  lr.requires_grad_(true);
  lf.requires_grad_(true);
  o.slope = 0.25;
  EXPECT_GRADCHECK(gradcheck(
      [&](const std::vector<Tensor>& in) { return std::vector<Tensor>{ls_critic_loss(in[0], in[1], margin, o)}; },
      {lr, lf}));
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& x) { return ls_generator_loss(loss_values(x, Nonneg::softplus)); },
                             nabla::testing::noncontiguous(detach(lf))));
}

// Qi's appendix D: with C(a) = a (slope 1), no nonnegativity and gamma 0 the
// critic's loss is E Delta + E L(x) - E L(G(z)), WGAN's critic loss for
// D = -L plus a constant: the same value up to E Delta, the same gradients.
TEST(LossSensitive, SlopeOneIsTheWganCriticOnABatch) {
  Generator gen(3);
  const nn::ModulePtr d = toy_discriminator(&gen);
  const Tensor real = randn({16, 2}, {}, &gen), fake = randn({16, 2}, {}, &gen);
  LossSensitive o;
  o.slope = 1;
  o.nonneg = Nonneg::none;
  const Tensor margin = l1_margin(real, fake, 2e-4);
  const Tensor ls = ls_critic_loss(loss_values((*d)(real), o.nonneg), loss_values((*d)(fake), o.nonneg), margin, o);
  const Tensor w = d_loss(Loss::wasserstein, -(*d)(real), -(*d)(fake));
  EXPECT_NEAR(ls.item(), w.item() + mean(margin).item(), 1e-6);
  const std::vector<Tensor> g_ls = grad({ls}, d->parameters()), g_w = grad({w}, d->parameters());
  for (size_t i = 0; i < g_ls.size(); ++i) EXPECT_TRUE(allclose(g_ls[i], g_w[i], 1e-5, 1e-6)) << i;
  // G's losses agree too: E L(G(z)) = -E D(G(z)).
  EXPECT_NEAR(ls_generator_loss(loss_values((*d)(fake), o.nonneg)).item(),
              g_loss(Loss::wasserstein, -(*d)(fake)).item(), 1e-6);
  // With the hinge (slope 0) they differ: the identity is not vacuous.
  o.slope = 0;
  const Tensor hinge = ls_critic_loss(loss_values((*d)(real), o.nonneg), loss_values((*d)(fake), o.nonneg), margin, o);
  EXPECT_GT(std::abs(hinge.item() - ls.item()), 1e-4);
}

TEST(LossSensitive, OptionsAreChecked) {
  train::TrainConfig c = train::testing::small_config("glsgan", "", 10);
  c.options["data"] = "ring8";
  c.options["slope"] = 1.5;
  EXPECT_THROW_MESSAGE(find_model("glsgan").make(c), std::invalid_argument, "glsgan", "slope");
  c.options["slope"] = 1.0;
  c.options["nonneg"] = "cube";
  EXPECT_THROW_MESSAGE(find_model("glsgan").make(c), std::invalid_argument, "glsgan", "cube");
  c.options.erase("nonneg");
  c.options["tau"] = -1;
  EXPECT_THROW_MESSAGE(find_model("glsgan").make(c), std::invalid_argument, "glsgan", "tau");
  const Tensor one = tensor<double>({1}, {1});
  EXPECT_THROW_MESSAGE(d_loss(Loss::loss_sensitive, one, one), std::invalid_argument, "d_loss");
}

}  // namespace
}  // namespace nabla::gan
