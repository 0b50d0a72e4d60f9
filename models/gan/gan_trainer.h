#pragma once
// One GAN trainer for every variant (gan_options.h): per step, n_critic
// updates of D (each on a fresh real batch and fresh z; D's loss, its
// penalties, weight clipping after the update), then one update of G on the
// last critic step's fake batch (the batch is reused, as in PyTorch's DCGAN
// example). Instance noise, when on, is added to both of D's inputs in both
// players' losses. Data: Fashion-MNIST images, or a 2-D Gaussian mixture
// (toy2d.h), for which the run draws scatter plots and every log step
// reports "modes" (covered) and "high_quality" over 2500 samples.
// Options add Jacobian clamping and the tangent orthonormality penalty to
// G's loss (jacobian_penalties.h), a tempered lens on the real data
// (lens.h: updated after D, before G, on the last critic step's batches),
// and the Jacobian spectrum to scores() (metrics/jacobian.h); with the
// option fid_classifier, scores() also gives FID and IS (metrics::evaluate)
// at every sample grid.
#include <functional>
#include <memory>
#include <optional>

#include "models/gan/gan_options.h"
#include "models/gan/toy2d.h"
#include "models/metrics/evaluate.h"
#include "models/metrics/jacobian.h"
#include "models/metrics/scoring.h"
#include "models/nn/nn.h"
#include "models/train/config.h"
#include "models/train/data.h"
#include "models/train/loss_scale.h"
#include "models/train/state.h"
#include "models/train/trainer.h"

namespace nabla::gan {

struct GanNets {
  using Discriminator = std::function<nn::ModulePtr(Generator*)>;
  int64_t z_dim;
  std::function<nn::ModulePtr(int64_t z_dim, Generator*)> generator;
  Discriminator discriminator;
};

// A model name's nets and defaults.
struct GanModel {
  GanNets image;                // for Fashion-MNIST
  std::optional<GanNets> toy;   // for data=ring8|grid25; none: images only
  GanOptions defaults;
  bool configurable = true;     // false: the model takes no --set options
};

class GanTrainer : public train::Trainer, public metrics::LatentModel {
 public:
  // Builds the networks from config.seed; the data is loaded on the first
  // step (sampling from a checkpoint needs none).
  GanTrainer(const train::TrainConfig& config, const GanModel& model);

  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  Tensor sample(int64_t n, Generator& gen) override;
  // 2-D data: a scatter plot of max(n, 1000) points over the mode centres.
  Tensor picture(int64_t n, Generator& gen) override;
  std::map<std::string, Tensor> losses() override;
  bool mixed_precision() const override { return true; }
  // The split for --cuda-graph; unsupported with the options that draw
  // random numbers or read values on the host inside the step (noise, gp,
  // r1, r2, jc, tangent, lens).
  train::GraphStep graph_step() override;
  // The Jacobian spectrum's scores at jac_n latent samples (option jac_n >
  // 0) and the scores of fid_options() (option eval_metrics; by default
  // {"fid", "is", "is_std"} with fid_classifier); each draws from its own
  // generator (the run's state is untouched).
  std::map<std::string, double> scores() override;
  int64_t latent_dim() const override { return z_dim_; }
  Device latent_device() const override { return config_.device; }
  // G in eval mode at z.
  Tensor generate(const Tensor& z) override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  nn::Module& generator() { return *g_; }
  nn::Module& discriminator() { return *d_; }
  // The tempered lens (option lens=1), else nullptr.
  nn::Module* lens() { return lens_.get(); }
  const GanOptions& options() const { return options_; }
  // What scores() passes to metrics::evaluate (metrics/scoring.h):
  // fid_samples samples, seed config.seed, so that `nabla eval CHECKPOINT
  // --classifier C --n fid_samples --seed SEED` computes the same numbers.
  metrics::EvalOptions fid_options() const;

  bool is_toy() const { return toy_.has_value(); }
  // The 2-D set (is_toy() only).
  const ToySet& toy_set() const { return *toy_; }

 private:
  // The networks and optimizers, by checkpoint name.
  train::Parts parts() const;
  Tensor next_real();
  // G and D under the run's precision (autocast to bf16 for --precision
  // bf16); their outputs come back as f32, so losses and penalties stay f32.
  Tensor run_g(const Tensor& z);
  Tensor run_d(const Tensor& x);
  // backward of the (scaled) loss, then the optimiser step unless the loss
  // scaler found an inf/NaN gradient.
  void backward_and_step(const Tensor& loss, nn::Optimizer& opt);
  // G(z) for fresh z [n, z_dim], z stored in *z when given.
  Tensor make_fake(int64_t n, Tensor* z = nullptr);
  // The real batch as D sees it: through the lens (without its graph) when on.
  Tensor lensed(const Tensor& real);
  // One update of the lens against D on this step's batches.
  void lens_step(const Tensor& real, const Tensor& fake, std::map<std::string, double>* metrics);
  Tensor noisy(const Tensor& x, double sigma);
  // D's loss with its penalties; adds the penalties' values to `metrics`.
  Tensor critic_loss(const Tensor& real, const Tensor& fake, std::map<std::string, double>* metrics);
  // G's loss with its Jacobian penalties at z (fake = G(z)); adds their values to `metrics`.
  Tensor generator_loss(const Tensor& fake, const Tensor& z, std::map<std::string, double>* metrics);
  // G's adversarial term alone (the loss-sensitive one for loss=qi).
  Tensor adversarial_g_loss(const Tensor& fake);
  // D's loss without penalties, from D's outputs on real and fake.
  Tensor d_objective(const Tensor& real, const Tensor& fake, const Tensor& d_real, const Tensor& d_fake) const;
  double noise_std() const;
  // One update of D on (real, z), fake = G(z) (with G's graph when
  // keep_graph); returns D's loss.
  Tensor critic_update(const Tensor& real, const Tensor& z, bool keep_graph, Tensor& fake,
                       std::map<std::string, double>* metrics);
  // One update of G on fake = G(z); returns G's loss.
  Tensor generator_update(const Tensor& fake, const Tensor& z, std::map<std::string, double>* metrics);
  // The host bookkeeping closing a step: the count, the 2-D mode metrics.
  void end_step(std::map<std::string, double>& metrics);
  // Why the step cannot be captured, or "".
  std::string graph_unsupported() const;

  train::TrainConfig config_;
  GanOptions options_;
  int64_t z_dim_;
  nn::ModulePtr g_, d_, lens_;
  std::unique_ptr<nn::Optimizer> opt_g_, opt_d_, opt_lens_;
  DType precision_ = DType::f32;
  train::LossScaler scaler_;
  Generator noise_;  // z, instance noise, interpolation weights
  int64_t steps_done_ = 0;
  std::optional<ToySet> toy_;
  train::RunData run_data_;
  std::optional<metrics::SampleScorer> scorer_;             // options_.scoring
  std::vector<Tensor> graph_reals_, graph_zs_;               // graph mode: the static inputs of each D update
};

}  // namespace nabla::gan
