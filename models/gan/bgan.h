#pragma once
// Batch GANs (Lucas, Tallec, Verbeek, Ollivier 2018, "Mixed batches and
// symmetric discriminators for GAN training") on the 2-D mixtures (default)
// or Fashion-MNIST: D sees a batch of B points, each one fake with probability q ~ U[0, 1] (q drawn once
// per batch; the fakes' count is then uniform on 0..B) and real otherwise,
// and predicts q through a permutation-invariant net:
//   phi: per point 2 -> 128 -> 128 (ReLU), features h_i;
//   bgan:   one logit for the batch, head(mean_i h_i), head 128 -> 128 -> 1;
//           D's loss BCE(sigmoid(logit), q);
//   m-bgan: one logit per point, head([h_i, mean_j h_j]), head 256 -> 128 -> 1,
//           each a prediction of the batch's q; D's loss mean_i BCE(logit_i, q)
//           (the paper's M-BGAN: the loss applied to each prediction, then
//           averaged, instead of averaging before the loss).
// G (the 2-D G of Metz et al. 2017, nets.h) minimises BCE(D, 0) on the same
// mixed batch: the non-saturating form, "this batch holds no fakes".
// On images G is DCGAN-28's and phi DCGAN-28's D without batch norm (which
// would mix the batch) up to a 128-feature layer: Conv(1,64,4,s2,p1)-LReLU
// 0.2-Conv(64,128,4,s2,p1)-LReLU 0.2-Linear(6272,128)-LReLU 0.2.
#include <map>
#include <memory>
#include <optional>

#include "models/gan/toy2d.h"
#include "models/metrics/jacobian.h"
#include "models/metrics/scoring.h"
#include "models/nn/nn.h"
#include "models/train/config.h"
#include "models/train/data.h"
#include "models/train/state.h"
#include "models/train/trainer.h"

namespace nabla::gan {

enum class BatchD { pooled, per_sample };  // bgan, m-bgan

// x [B, in] -> logits [1, 1] (pooled) or [B, 1] (per_sample); the same for
// any order of x's rows.
class BatchDiscriminator : public nn::Module {
 public:
  // phi 2 -> hidden -> hidden (ReLU).
  BatchDiscriminator(BatchD kind, int64_t in = 2, int64_t hidden = 128, Generator* gen = nullptr);
  // A given phi mapping a batch to [B, features].
  BatchDiscriminator(BatchD kind, nn::ModulePtr phi, int64_t features, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "BatchDiscriminator"; }
  BatchD kind() const { return kind_; }

 private:
  BatchD kind_;
  nn::ModulePtr phi_, head_;
};

// D's loss for logits of either kind against the fake ratio q.
Tensor batch_d_loss(const Tensor& logits, double q);
// G's loss: BCE(logits, 0) averaged.
Tensor batch_g_loss(const Tensor& logits);

class BganTrainer : public train::Trainer, public metrics::LatentModel {
 public:
  BganTrainer(const train::TrainConfig& config, BatchD kind);

  // loss_d, loss_g and q; on 2-D data every log step also modes and high_quality.
  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  Tensor sample(int64_t n, Generator& gen) override;
  // 2-D data: a scatter plot of max(n, 1000) points over the mode centres;
  // images: the usual grid.
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

  bool is_toy() const { return toy_.has_value(); }
  const ToySet& toy_set() const { return *toy_; }
  nn::Module& discriminator() { return *d_; }

 private:
  // The networks and optimizers, by checkpoint name.
  train::Parts parts() const;
  struct Mixed {
    Tensor batch;  // [B, 2] or [B, 1, 28, 28]: fakes (with G's graph) where the mask is 1, reals elsewhere
    double q;
  };
  Mixed mixed_batch();

  train::TrainConfig config_;
  std::optional<ToySet> toy_;
  int64_t z_dim_;
  nn::ModulePtr g_;
  std::shared_ptr<BatchDiscriminator> d_;
  std::unique_ptr<nn::Adam> opt_g_, opt_d_;
  Generator noise_;  // z, q and the mask
  int64_t steps_done_ = 0;
  train::RunData run_data_;
  std::optional<metrics::SampleScorer> scorer_;
};

}  // namespace nabla::gan
