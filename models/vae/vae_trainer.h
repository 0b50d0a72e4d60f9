#pragma once
// `nabla train vae | conv-vae | cvae`: the VAE of model.h trained on
// Fashion-MNIST with the (beta-weighted) negative ELBO D + beta R, Adam.
//
// Options (--set name=value), defaults in parentheses:
//   z_dim (20), hidden (400, MLP width), decoder (bernoulli | gaussian),
//   variance (fixed | learned, Gaussian only), sigma (0.1, fixed Gaussian std),
//   beta (1), beta_schedule (constant | linear | cyclic), warmup (steps of the
//   linear ramp; default a tenth of the run), cycles (4) and ratio (0.5) of the
//   cyclic schedule (Fu et al. 2019), eval_n (10000 test images for ELBO,
//   rate and distortion), iwae_k (1000 importance samples, 0: none), iwae_n
//   (500 test images for the IWAE estimate; computed at the run's last step).
//
// Bernoulli data are binarised at 0.5 (pixel >= 128), deterministically for
// both splits; Gaussian data are pixels / 255 in [0, 1] (densities, not
// comparable with the Bernoulli numbers).
#include <memory>
#include <optional>

#include "models/data/loader.h"
#include "models/metrics/likelihood.h"
#include "models/nn/optim.h"
#include "models/train/config.h"
#include "models/train/state.h"
#include "models/train/trainer.h"
#include "models/vae/model.h"
#include "models/vae/schedule.h"

namespace nabla::vae {

enum class VaeKind { mlp, conv, conditional };

struct VaeOptions {
  VaeArch arch;
  BetaSchedule beta;
  int64_t eval_n = 10000;
  int64_t iwae_k = 1000;
  int64_t iwae_n = 500;
};

// The options of config for a model of this kind (validated; unknown names throw).
VaeOptions vae_options(const train::TrainConfig& config, VaeKind kind);

// images [N, 1, 28, 28] in [-1, 1] (the loader's range) -> x [N, 784] as the decoder models it.
Tensor vae_data(const Tensor& images, Decoder decoder);

class VaeTrainer : public train::Trainer, public metrics::LikelihoodModel {
 public:
  VaeTrainer(const train::TrainConfig& config, VaeKind kind);

  // "loss" (D + beta R, batch mean), "rate", "distortion", "beta".
  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  Tensor sample(int64_t n, Generator& gen) override;
  // Samples (CVAE: a column per class), test reconstructions (input row over
  // output row) and latent interpolations between pairs of test images.
  Tensor picture(int64_t n, Generator& gen) override;
  // On the first eval_n test images, nats per image: "test_elbo" (one z per
  // image), "test_rate", "test_distortion"; at the run's last step also
  // "test_nll_iwae" = -IWAE_k on the first iwae_n test images.
  std::map<std::string, double> scores() override;
  // elbo, rate, distortion, iwae; bpd (-elbo / (784 ln 2), bits per binary
  // pixel) with the Bernoulli decoder only. iwae draws from its own stream.
  std::vector<std::string> likelihood_metrics() const override;
  std::map<std::string, double> likelihood_scores(const metrics::LikelihoodOptions& options) override;
  std::map<std::string, Tensor> losses() override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  const Vae& model() const { return vae_; }

 private:
  data::Loader& loader();
  const data::Dataset& test_set();
  struct Loss {
    Tensor loss, rate, distortion;
    double beta;
  };
  Loss loss_of(const data::Batch& batch);
  // Test images [n, 784] as the decoder models them, and their labels.
  std::pair<Tensor, Tensor> test_data(int64_t n);
  train::Parts parts() const;

  train::TrainConfig config_;
  VaeOptions options_;
  Vae vae_;
  std::unique_ptr<nn::Adam> opt_;
  Generator noise_;
  int64_t steps_ = 0;
  std::optional<data::Loader> loader_;
  train::LoaderPosition loader_position_;
  std::optional<data::Dataset> test_;
};

}  // namespace nabla::vae
