#pragma once
// Regularisers of the discriminator (critic) and instance noise. The
// penalties differentiate D's output with respect to its input with
// create_graph, so that D's update differentiates through that gradient
// (double backward).
#include <cstdint>

#include "core/random.h"
#include "core/tensor.h"
#include "models/nn/module.h"

namespace nabla::gan {

// ||g_i||_2 for each sample i of g [N, ...] (the norm over all other dims), [N].
Tensor per_sample_norm(const Tensor& g);

// d sum(d_out) / d x with create_graph: each sample's gradient of its own
// output when D treats samples independently. x must require grad and d_out
// must have been computed from it.
Tensor input_gradient(const Tensor& d_out, const Tensor& x);

// Gulrajani et al. 2017, eq. 3: lambda E[(||grad D(x_hat)||_2 - 1)^2], with
// d_out = D(x_hat).
Tensor gradient_penalty_at(const Tensor& d_out, const Tensor& x_hat, double lambda);
// x_hat = eps x_real + (1 - eps) x_fake, one eps ~ U[0, 1] per sample drawn
// from gen; detached from both, requiring grad.
Tensor interpolates(const Tensor& real, const Tensor& fake, Generator& gen);
// The whole WGAN-GP term: D at fresh interpolates, then gradient_penalty_at.
Tensor gradient_penalty(nn::Module& d, const Tensor& real, const Tensor& fake, Generator& gen, double lambda);

// Mescheder et al. 2018, eq. 9 and 10: R1 (x real) or R2 (x fake) =
// gamma / 2 E[||grad D(x)||_2^2], with d_out = D(x). The gamma / 2 convention
// is the paper's: gamma = 10 here is their gamma = 10.
Tensor gradient_norm_penalty(const Tensor& d_out, const Tensor& x, double gamma);

// Instance noise (Sonderby et al. 2017; Arjovsky & Bottou 2017): the std of
// the Gaussian noise added to both of D's inputs at step t (0-based),
// sigma0 (1 - t / steps) annealed linearly to 0 at `steps`.
double instance_noise_std(double sigma0, int64_t t, int64_t steps);

}  // namespace nabla::gan
