#pragma once
// GAN training (Goodfellow et al. 2014) with the non-saturating generator
// loss: D minimises BCE(D(x), 1) + BCE(D(G(z)), 0), then G minimises
// BCE(D(G(z)), 1), both with Adam. One step = one D update and one G update
// on the same batch of z (the fake batch is reused, as in PyTorch's DCGAN
// example).
#include <functional>
#include <memory>
#include <optional>

#include "models/data/loader.h"
#include "models/nn/nn.h"
#include "models/train/config.h"
#include "models/train/trainer.h"

namespace nabla::gan {

struct GanNets {
  int64_t z_dim;
  std::function<nn::ModulePtr(int64_t z_dim, Generator*)> generator;
  std::function<nn::ModulePtr(Generator*)> discriminator;
};

struct GanOptions {
  double beta1 = 0.5, beta2 = 0.999;  // Adam's, as in DCGAN
};

class GanTrainer : public train::Trainer {
 public:
  // Builds the networks from config.seed; the data is loaded on the first
  // step (sampling from a checkpoint needs none).
  GanTrainer(const train::TrainConfig& config, GanNets nets, GanOptions options = {});

  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  Tensor sample(int64_t n, Generator& gen) override;
  std::map<std::string, Tensor> losses() override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  nn::Module& generator() { return *g_; }
  nn::Module& discriminator() { return *d_; }

 private:
  data::Loader& loader();
  // A real batch on the device and a fake one G makes from fresh z.
  std::pair<Tensor, Tensor> real_and_fake();
  Tensor loss_d(const Tensor& real, const Tensor& fake);
  Tensor loss_g(const Tensor& fake);

  train::TrainConfig config_;
  int64_t z_dim_;
  nn::ModulePtr g_, d_;
  std::unique_ptr<nn::Adam> opt_g_, opt_d_;
  Generator noise_;  // the z stream
  std::optional<data::Loader> loader_;
  std::optional<data::LoaderState> pending_loader_state_;  // loaded before the loader exists
};

}  // namespace nabla::gan
