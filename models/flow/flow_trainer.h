#pragma once
// Training NICE and Real NVP by exact maximum likelihood on dequantised
// Fashion-MNIST (pixels (p + u) / 256, u ~ U[0, 1)): step() minimises the
// negative log-likelihood in bits/dim ("bpd", the dequantised bound of
// metrics/likelihood.h); scores() gives "test_bpd" on the test split.
//
// Options (--set): temperature (of sample() and the grids; unset: samples at
// 1 and grids in four bands of rows at T = 1, 0.85, 0.7, 0.5), eval_n (test
// images scored, default 2000; 10000 is the full split); nice: prior
// (logistic | gaussian), couplings, hidden, hidden_layers; realnvp: scales,
// width, blocks, conv1x1 (0 | 1).
#include <cstdint>
#include <memory>
#include <optional>

#include "models/data/loader.h"
#include "models/flow/flow.h"
#include "models/metrics/likelihood.h"
#include "models/nn/optim.h"
#include "models/train/config.h"
#include "models/train/state.h"
#include "models/train/trainer.h"

namespace nabla::flow {

enum class FlowKind { nice, realnvp };

class FlowTrainer : public train::Trainer, public metrics::LikelihoodModel {
 public:
  FlowTrainer(const train::TrainConfig& config, FlowKind kind);

  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  // Samples at the configured temperature (default 1), in [-1, 1].
  Tensor sample(int64_t n, Generator& gen) override;
  // With no temperature option: rows in four temperature bands, 1 to 0.5.
  Tensor picture(int64_t n, Generator& gen) override;
  std::map<std::string, double> scores() override;
  // bpd: test_bits_per_dim(n); nll: the same bound in nats per image.
  std::vector<std::string> likelihood_metrics() const override;
  std::map<std::string, double> likelihood_scores(const metrics::LikelihoodOptions& options) override;
  std::map<std::string, Tensor> losses() override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  FlowNet& net() { return *net_; }
  // Bits/dim (the dequantised bound) of the first n test images, u fixed by
  // the run's seed; in eval mode, without gradients.
  double test_bits_per_dim(int64_t n);

 private:
  data::Loader& loader();
  Tensor loss_of(const Tensor& y);
  train::Parts parts() const;

  train::TrainConfig config_;
  std::optional<double> temperature_;
  int64_t eval_n_;
  std::shared_ptr<FlowNet> net_;
  std::unique_ptr<nn::Adam> opt_;
  std::optional<data::Loader> loader_;
  train::LoaderPosition loader_position_;
  std::optional<data::Dataset> test_;
};

}  // namespace nabla::flow
