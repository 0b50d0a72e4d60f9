#pragma once
// The pieces of the evidence lower bound and of its importance-weighted
// tightening, per example (summed over the data or latent dimensions, one
// value per row), in nats. All differentiable (nabla:: ops only).
//
// Rate R = KL(q(z|x) || p(z)) and distortion D = -E_q log p(x|z) follow
// Alemi et al. 2018 ("Fixing a Broken ELBO"): ELBO = -(D + R).
#include "core/tensor.h"

namespace nabla::vae {

// KL(N(mu, exp(logvar)) || N(0, I)) per row of [N, Z]:
// 0.5 sum(mu^2 + exp(logvar) - 1 - logvar) (Kingma & Welling 2014, app. B).
Tensor kl_standard_normal(const Tensor& mu, const Tensor& logvar);

// KL(N(mu1, exp(logvar1)) || N(mu2, exp(logvar2))) per row, diagonal:
// 0.5 sum(logvar2 - logvar1 + (exp(logvar1) + (mu1 - mu2)^2) / exp(logvar2) - 1).
Tensor kl_diag_normal(const Tensor& mu1, const Tensor& logvar1, const Tensor& mu2, const Tensor& logvar2);

// log N(x; mu, exp(logvar)) summed over the last dim of [..., D]; broadcasts.
Tensor log_normal_diag(const Tensor& x, const Tensor& mu, const Tensor& logvar);

// log N(x; 0, I) summed over the last dim.
Tensor log_standard_normal(const Tensor& x);

// log Bernoulli(x; sigmoid(logits)) summed over the last dim (x in {0, 1}).
Tensor log_bernoulli(const Tensor& x, const Tensor& logits);

// z = mu + exp(logvar / 2) * eps: the reparameterisation trick.
Tensor reparameterise(const Tensor& mu, const Tensor& logvar, const Tensor& eps);

// The importance-weighted bound of Burda et al. 2016, eq. (8), from log
// weights log p(x, z_i) - log q(z_i | x), [K, N] -> [N]:
// log (1/K) sum_i w_i, computed with logsumexp. K = 1 is the ELBO.
Tensor iwae_bound(const Tensor& log_weights);

}  // namespace nabla::vae
