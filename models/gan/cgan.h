#pragma once
// Conditional GAN (Mirza & Osindero 2014, "Conditional Generative
// Adversarial Nets"): G and D both see the class label y as a one-hot
// vector. G's input is [z, y]; D's input is the image with y appended as
// K constant planes (images) or the point with y appended (2-D data).
// Non-saturating loss; G's labels are the real batch's labels. Data:
// Fashion-MNIST with its 10 classes, or a 2-D mixture whose components are
// the classes (ring8: 8, grid25: 25), where each step's log reports
// "on_class", the share of conditional samples nearest to their own
// class's centre (chance: 1 / K), besides "modes" and "high_quality".
#include <memory>
#include <optional>

#include "models/gan/toy2d.h"
#include "models/metrics/scoring.h"
#include "models/nn/nn.h"
#include "models/train/config.h"
#include "models/train/data.h"
#include "models/train/state.h"
#include "models/train/trainer.h"

namespace nabla::gan {

inline constexpr int64_t kFashionClasses = 10;

// DCGAN-28's D with 1 + classes input channels (the image and the one-hot
// label planes), batch norm after the second conv, N(0, 0.02) init.
nn::ModulePtr conditional_dcgan28_discriminator(int64_t classes, Generator* gen = nullptr);
// The 2-D D of Metz et al. 2017 on [x, y]: 2 + classes -> 128 -> 128 -> 1 (ReLU).
nn::ModulePtr conditional_toy_discriminator(int64_t classes, Generator* gen = nullptr);

// One-hot f32 rows [N, classes] of i64 labels [N].
Tensor one_hot_rows(const Tensor& labels, int64_t classes);
// D's input: images [N, C, H, W] with `onehot` [N, K] appended as K constant
// planes ([N, C + K, H, W]); points [N, 2] with it appended as columns.
Tensor with_condition(const Tensor& x, const Tensor& onehot);

// The share of points [n, 2] whose nearest centre is their label's.
double on_class_share(const Tensor& points, const Tensor& labels, const Tensor& centres);

class CganTrainer : public train::Trainer {
 public:
  // Options: data=fashion|ring8|grid25.
  explicit CganTrainer(const train::TrainConfig& config);

  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  // n samples with labels 0, 1, ..., K - 1, 0, 1, ... (i % K).
  Tensor sample(int64_t n, Generator& gen) override;
  // Samples of the given i64 labels [n], in eval mode; changes no state.
  Tensor sample_labels(const Tensor& labels, Generator& gen);
  // Images: one row per class (K rows of ceil(n / K) samples). 2-D: a
  // scatter plot of max(n, 1000) samples, each coloured by its class.
  Tensor picture(int64_t n, Generator& gen) override;
  // The scores of options fid_classifier, eval_metrics, ... (metrics/scoring.h), Fashion-MNIST only.
  std::map<std::string, double> scores() override { return (*scorer_)(*this); }
  std::map<std::string, Tensor> losses() override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  int64_t classes() const { return classes_; }
  bool is_toy() const { return toy_.has_value(); }
  const ToySet& toy_set() const { return *toy_; }

 private:
  // The networks and optimizers, by checkpoint name.
  train::Parts parts() const;
  struct Real {
    Tensor x, labels;
  };
  Real next_real();
  Tensor generate(const Tensor& onehot, Generator& gen);
  Tensor critic_loss(const Tensor& x, const Tensor& fake, const Tensor& onehot);
  Tensor generator_loss(const Tensor& fake, const Tensor& onehot);

  train::TrainConfig config_;
  std::string data_;
  int64_t classes_, z_dim_;
  nn::ModulePtr g_, d_;
  std::unique_ptr<nn::Optimizer> opt_g_, opt_d_;
  Generator noise_;
  int64_t steps_done_ = 0;
  std::optional<ToySet> toy_;
  Tensor toy_labels_;
  train::RunData run_data_;
  std::optional<metrics::SampleScorer> scorer_;
};

}  // namespace nabla::gan
