#pragma once
// GAN objectives as functions of the discriminator's raw outputs (logits for
// the classifier losses, scores for least squares and the Wasserstein critic),
// [N, 1] or [N]. Each returns the batch mean the player minimises.
#include <string>

#include "core/tensor.h"

namespace nabla::gan {

enum class Loss {
  minimax,         // Goodfellow et al. 2014, eq. 1: G minimises log(1 - D(G(z)))
  non_saturating,  // the same D; G minimises -log D(G(z)) (Goodfellow et al. 2014, sec. 3)
  least_squares,   // Mao et al. 2017, eq. 2 with a = 0, b = 1, c = 1
  wasserstein,     // Arjovsky et al. 2017: the critic's score difference
  loss_sensitive,  // Qi 2017: D is a loss function with a data-dependent margin (loss_sensitive.h)
};

// "minimax", "ns", "ls", "wasserstein", "qi"; throws std::invalid_argument naming
// `who` and the known names otherwise.
Loss parse_loss(const std::string& name, const std::string& who);
std::string loss_name(Loss loss);

// minimax, non_saturating: -log sigmoid(d_real) - log(1 - sigmoid(d_fake));
// least_squares: (d_real - 1)^2 / 2 + d_fake^2 / 2;
// wasserstein: d_fake - d_real. loss_sensitive needs the inputs too:
// ls_critic_loss (loss_sensitive.h); here it throws std::invalid_argument.
Tensor d_loss(Loss loss, const Tensor& d_real, const Tensor& d_fake);
// minimax: log(1 - sigmoid(d_fake)) = -softplus(d_fake);
// non_saturating: -log sigmoid(d_fake) = softplus(-d_fake);
// least_squares: (d_fake - 1)^2 / 2; wasserstein: -d_fake; loss_sensitive:
// throws (ls_generator_loss).
Tensor g_loss(Loss loss, const Tensor& d_fake);

}  // namespace nabla::gan
