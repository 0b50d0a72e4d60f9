#pragma once
// `nabla train ae | sparse-ae | denoising-ae` on Fashion-MNIST pixels in
// [0, 1]: MLP 784-256-code-256-784 (ReLU, sigmoid output), MSE summed over
// pixels and averaged over the batch, Adam.
//
// Options (--set name=value), defaults in parentheses:
//   code (32; sparse-ae 64), hidden (256), eval_n (10000 test images scored);
//   sparse-ae: sigmoid code units, l1 (0: weight of the L1 penalty), kl (3:
//     weight beta of the KL sparsity penalty), rho (0.05: target activation);
//   denoising-ae: noise (masking | gaussian), level (0.25: the masked fraction,
//     or the Gaussian noise's std).
#include <memory>
#include <optional>

#include "models/ae/ae.h"
#include "models/data/loader.h"
#include "models/nn/optim.h"
#include "models/train/config.h"
#include "models/train/state.h"
#include "models/train/trainer.h"

namespace nabla::ae {

enum class AeKind { plain, sparse, denoising };

struct AeOptions {
  AeArch arch;
  double l1 = 0, kl = 0, rho = 0.05;
  Noise noise = Noise::none;
  double level = 0;
  int64_t eval_n = 10000;
};

AeOptions ae_options(const train::TrainConfig& config, AeKind kind);

class AeTrainer : public train::Trainer {
 public:
  AeTrainer(const train::TrainConfig& config, AeKind kind);

  // "loss" (MSE + penalties), "mse" (per image, summed over pixels).
  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  // Reconstructions of n test images drawn with gen (from corrupted inputs
  // for the denoising AE), in [-1, 1].
  Tensor sample(int64_t n, Generator& gen) override;
  // Rows of test images (corrupted, for the denoising AE) over rows of their reconstructions.
  Tensor picture(int64_t n, Generator& gen) override;
  // "test_mse" per image (clean inputs; the denoising AE also
  // "test_mse_denoised" from corrupted ones) on the first eval_n test
  // images; the sparse AE also "test_mean_activation" of its code units.
  std::map<std::string, double> scores() override;
  std::map<std::string, Tensor> losses() override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

 private:
  data::Loader& loader();
  Tensor test_pixels(int64_t n);
  std::pair<Tensor, Tensor> loss_of(const data::Batch& batch);
  // Test images drawn with gen, [n, 784] in [0, 1].
  Tensor random_test(int64_t n, Generator& gen);
  train::Parts parts() const;

  train::TrainConfig config_;
  AeOptions options_;
  Autoencoder net_;
  std::unique_ptr<nn::Adam> opt_;
  Generator noise_;
  std::optional<data::Loader> loader_;
  train::LoaderPosition loader_position_;
  std::optional<data::Dataset> test_;
};

}  // namespace nabla::ae
