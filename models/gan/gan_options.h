#pragma once
// What distinguishes the GAN variants: the objective, the critic's
// regularisers, the number of critic steps, the optimizer, and the data.
// A model name gives its paper's values as defaults; `--set name=value`
// overrides them (gan_option_names lists the names).
#include <cstdint>
#include <string>
#include <vector>

#include "models/gan/loss_sensitive.h"
#include "models/gan/losses.h"
#include "models/metrics/scoring.h"
#include "models/train/config.h"

namespace nabla::gan {

enum class Optim { adam, rmsprop };

struct GanOptions {
  Loss loss = Loss::non_saturating;       // option loss=minimax|ns|ls|wasserstein
  Optim optimizer = Optim::adam;          // for G and D, both at the run's lr
  double beta1 = 0.5, beta2 = 0.999;      // Adam's (DCGAN's)
  int64_t n_critic = 1;                   // option n_critic: D updates per G update
  double clip = 0;                        // option clip: D's weights clamped to [-clip, clip] after each update; 0: off
  double gp = 0;                          // option gp: the gradient penalty's lambda; 0: off
  double r1 = 0, r2 = 0;                  // options r1, r2: the penalties' gamma (gamma / 2 E||grad D||^2); 0: off
  double noise = 0;                       // option noise: instance noise std sigma0 at step 0; 0: off
  int64_t noise_steps = 0;                // option noise_steps: steps to anneal it to 0; 0: the run's --steps
                                          // (so resuming with a larger --steps stretches the schedule)
  std::string data = "fashion";           // option data=fashion|ring8|grid25
  // Regularisers of G's Jacobian (jacobian_penalties.h), all off by default.
  double jc = 0;                          // option jc: weight of Jacobian clamping (Odena et al. 2018 use 1); 0: off
  double jc_eps = 1, jc_min = 1, jc_max = 20;  // options jc_eps, jc_min, jc_max: ||delta||, lambda_min, lambda_max
  double tangent = 0;                     // option tangent: weight of the tangent orthonormality penalty; 0: off
  int64_t tangent_dirs = 4;               // option tangent_dirs: random directions per sample
  int64_t jac_n = 0;                      // option jac_n: latent samples of the Jacobian spectrum logged with
                                          // every sample grid (metrics/jacobian.h); 0: off
  // Tempered GAN (Sajjadi et al. 2018): a lens on the real data before D.
  bool lens = false;                      // option lens=0|1
  int64_t lens_steps = 0;                 // option lens_steps: K, lambda(t) = 1 - sin(t pi / 2K) reaches 0 at K;
                                          // 0: half the run's --steps

  LossSensitive qi;                       // options tau, gamma, slope, nonneg (loss=qi only)
  double weight_decay = 0;                // option weight_decay: L2 added to both players' gradients
  // Scores logged at every sample grid (Fashion-MNIST only): options
  // fid_classifier, fid_samples, eval_metrics, eval_gs_n, ... (metrics/scoring.h).
  metrics::ScoringOptions scoring;
};

// The option names of a configurable GAN model.
std::vector<std::string> gan_option_names();
// `defaults` overridden by config.options, which may hold only
// gan_option_names(); out-of-range values throw std::invalid_argument naming
// the model and the option.
GanOptions resolve_gan_options(const train::TrainConfig& config, GanOptions defaults);
// The scoring options alone (what a model without --set options still takes).
void resolve_scoring_options(const train::TrainConfig& config, GanOptions& options);

}  // namespace nabla::gan
