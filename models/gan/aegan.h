#pragma once
// AEGAN (Lazarou 2020, "Autoencoding Generative Adversarial Networks"): a
// generator G: z -> x, an encoder E: x -> z, an image discriminator Dx and a
// latent discriminator Dz, z ~ N(0, I). With x_hat = G(z), z_hat = E(x),
// x_tilde = G(E(x)), z_tilde = E(G(z)):
//   Dx minimises BCE(Dx(x), 1) + BCE(Dx(x_hat), 0) + BCE(Dx(x_tilde), 0),
//   Dz minimises BCE(Dz(z), 1) + BCE(Dz(z_hat), 0) + BCE(Dz(z_tilde), 0),
//   G and E (one Adam) minimise BCE(Dx(x_hat), 1) + BCE(Dx(x_tilde), 1)
//     + BCE(Dz(z_hat), 1) + BCE(Dz(z_tilde), 1)
//     + rec_x * mean |x - x_tilde| + rec_z * mean (z - z_tilde)^2
// with rec_x = 10 and rec_z = 5. Each step updates Dx and Dz, then G and E
// on the same batch (the four generated tensors are made once per step).
#include <memory>
#include <optional>

#include "models/data/loader.h"
#include "models/data/mnist.h"
#include "models/gan/toy2d.h"
#include "models/metrics/jacobian.h"
#include "models/metrics/scoring.h"
#include "models/nn/nn.h"
#include "models/train/config.h"
#include "models/train/data.h"
#include "models/train/state.h"
#include "models/train/trainer.h"

namespace nabla::gan {

inline constexpr int64_t kAeganZDim = 32;     // Fashion-MNIST
inline constexpr int64_t kAeganToyZDim = 2;    // ring8, grid25: as many as the data has

// E for 28x28 images: DCGAN-28's D body (Conv(1,64,4,2,1) -> LeakyReLU 0.2 ->
// Conv(64,128,4,2,1) -> BN -> LeakyReLU 0.2) -> Linear(6272, z_dim).
nn::ModulePtr aegan_encoder(int64_t z_dim, Generator* gen = nullptr);
// Dz: z_dim -> 256 -> 256 -> 1 (LeakyReLU 0.2); also the 2-D sets' Dz.
nn::ModulePtr latent_discriminator(int64_t z_dim, int64_t hidden, Generator* gen = nullptr);
// The 2-D E: 2 -> 128 -> 128 -> z_dim (ReLU), Metz et al.'s D body.
nn::ModulePtr toy_encoder(int64_t z_dim, Generator* gen = nullptr);

class AeganTrainer : public train::Trainer, public metrics::LatentModel {
 public:
  // Options: data=fashion|ring8|grid25, rec_x=10, rec_z=5.
  explicit AeganTrainer(const train::TrainConfig& config);

  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  Tensor sample(int64_t n, Generator& gen) override;
  // Images: ceil(n / 10) rows of 10 samples G(z), a blank row, then 4 rows
  // of interpolation() between test images picked with gen. 2-D: a scatter
  // plot of max(n, 1000) samples.
  Tensor picture(int64_t n, Generator& gen) override;
  // The scores of options fid_classifier, eval_metrics, ... (metrics/scoring.h), Fashion-MNIST only.
  std::map<std::string, double> scores() override { return (*scorer_)(*this); }
  std::map<std::string, Tensor> losses() override;
  // metrics::LatentModel: G in eval mode at z (mre, jacobian).
  int64_t latent_dim() const override { return z_dim_; }
  Device latent_device() const override { return config_.device; }
  Tensor generate(const Tensor& z) override;

  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  // In eval mode, no state changed:
  // G(E(x)) of x [N, ...].
  Tensor reconstruct(const Tensor& x);
  // E(G(z)) of z [N, z_dim].
  Tensor reencode(const Tensor& z);
  // For each pair (a_i, b_i) of a, b [P, 1, 28, 28] a row of `between` + 2
  // images: a_i, G((1 - t) E(a_i) + t E(b_i)) at t = 1 / (between + 1), ...,
  // between / (between + 1), then b_i; [P * (between + 2), 1, 28, 28].
  Tensor interpolation(const Tensor& a, const Tensor& b, int64_t between = 8);
  // The picture of interpolation() between `pairs` pairs of test images picked with gen.
  Tensor interpolation_picture(int64_t pairs, Generator& gen);

  int64_t z_dim() const { return z_dim_; }
  bool is_toy() const { return toy_.has_value(); }
  const ToySet& toy_set() const { return *toy_; }

 private:
  // The networks and optimizers, by checkpoint name.
  train::Parts parts() const;
  struct Forward {
    Tensor x, z, x_hat, z_hat, x_tilde, z_tilde;
  };
  Tensor next_real();
  Forward forward();
  std::map<std::string, Tensor> discriminator_losses(const Forward& f);
  std::map<std::string, Tensor> generator_losses(const Forward& f);
  const data::Dataset& test_images();
  // Runs fn with every net in eval mode and no graph, then back to train mode.
  template <class F>
  Tensor evaluated(F fn);

  train::TrainConfig config_;
  std::string data_;
  double rec_x_, rec_z_;
  int64_t z_dim_;
  nn::ModulePtr g_, e_, dx_, dz_;
  std::unique_ptr<nn::Optimizer> opt_ge_, opt_dx_, opt_dz_;
  Generator noise_;
  int64_t steps_done_ = 0;
  std::optional<ToySet> toy_;
  train::RunData run_data_;
  std::optional<data::Dataset> test_;
  std::optional<metrics::SampleScorer> scorer_;
};

}  // namespace nabla::gan
