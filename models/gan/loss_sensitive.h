#pragma once
// Qi's loss-sensitive GAN (LS-GAN) and its generalisation GLS-GAN (Qi 2017,
// "Loss-Sensitive Generative Adversarial Networks on Lipschitz Densities",
// arXiv:1701.06264, and its appendix D). D is a loss function L(x) that
// must be lower on real data than on generated data by a margin
// Delta(x, G(z)) = tau ||x - G(z)||_1 (the i-th real image paired with the
// i-th generated one):
//
//   L minimises  gamma E L(x) + E C(Delta(x, G(z)) + L(x) - L(G(z)))
//   G minimises  E L(G(z))
//
// with the cost C(a) = a for a >= 0 and slope * a for a < 0. slope 0 is the
// hinge (a)_+ of LS-GAN; slope 1 makes the critic's loss the WGAN critic's
// with D = -L plus the constant E Delta. gamma is the paper's 1 / lambda: its
// objective E L(x) + lambda E (...)_+ divided by lambda.
#include <string>

#include "core/tensor.h"

namespace nabla::gan {

// How L(x) >= 0 is made from D's raw output: a final ReLU (Qi's lsgan.lua;
// it dies once D(x) and D(G(z)) are both negative: no gradient for anyone),
// softplus, abs, or none (GLS-GAN and WGAN leave L unconstrained).
enum class Nonneg { relu, softplus, abs, none };

// "relu", "softplus", "abs", "none"; others throw std::invalid_argument naming `who`.
Nonneg parse_nonneg(const std::string& name, const std::string& who);
std::string nonneg_name(Nonneg n);

struct LossSensitive {
  double tau = 2e-4;           // the margin's scale
  double gamma = 0;            // weight of E L(x)
  double slope = 0;            // C's slope for a < 0, in [0, 1]
  Nonneg nonneg = Nonneg::relu;
};

// C(a): a where a >= 0, slope * a elsewhere.
Tensor leaky_cost(const Tensor& a, double slope);
// L per sample [N] from D's raw outputs [N, 1] or [N].
Tensor loss_values(const Tensor& d_out, Nonneg nonneg);
// tau ||real_i - fake_i||_1 per sample [N], detached (a constant for both players).
Tensor l1_margin(const Tensor& real, const Tensor& fake, double tau);
// The critic's loss from L(x) [N], L(G(z)) [N] and the margins [N].
Tensor ls_critic_loss(const Tensor& l_real, const Tensor& l_fake, const Tensor& margin, const LossSensitive& o);
// G's loss E L(G(z)).
Tensor ls_generator_loss(const Tensor& l_fake);

}  // namespace nabla::gan
