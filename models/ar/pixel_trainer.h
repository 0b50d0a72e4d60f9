#pragma once
// `nabla train pixelcnn` and `nabla train pixelrnn`: the PixelCNN of
// pixelcnn.h or the Row LSTM PixelRNN of pixelrnn.h trained by exact maximum
// likelihood on Fashion-MNIST with Adam.
//
// Options (--set name=value), defaults in parentheses: levels (2: images
// binarised at pixel >= 128 as the vae does, Bernoulli per pixel, reported in
// nats per image; 256: the 8-bit pixels, a 256-way softmax per pixel,
// reported in bits/dim), out_hidden (32); pixelcnn: width (32), blocks (4);
// pixelrnn: hidden (16), layers (2), kernel (3); both: eval_n
// (1000 test images scored), completions (2 completions per test image in
// the picture; 0: no completion panel), picture_n (0: the run's 64; else at
// most this many samples in the picture: sampling costs 784 passes).
//
// "loss" is the batch-mean NLL per image (nats) for levels 2 and bits/dim for
// levels 256. scores(): "test_nll" (nats per image) for levels 2, "test_bpd"
// for levels 256, on the first eval_n test images.
#include <memory>
#include <optional>

#include "models/ar/pixel_model.h"
#include "models/data/loader.h"
#include "models/metrics/likelihood.h"
#include "models/nn/optim.h"
#include "models/train/config.h"
#include "models/train/state.h"
#include "models/train/trainer.h"

namespace nabla::ar {

// images [N, 1, 28, 28] in [-1, 1] (the loader's range) -> pixel values in
// {0, .., levels-1} as f32.
Tensor pixel_values(const Tensor& images, int64_t levels);

enum class PixelNet { pixelcnn, pixelrnn };

class PixelTrainer : public train::Trainer, public metrics::LikelihoodModel {
 public:
  PixelTrainer(const train::TrainConfig& config, PixelNet kind);

  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  // Sequential samples in [-1, 1] (784 passes of the net).
  Tensor sample(int64_t n, Generator& gen) override;
  // Samples, then 8 test images: real / lower half masked / completions.
  Tensor picture(int64_t n, Generator& gen) override;
  std::map<std::string, double> scores() override;
  // Exact: nll = test_nll_nats(n); bpd = nll / (784 ln 2), bits per binary
  // pixel (levels 2) or per 8-bit pixel (levels 256).
  std::vector<std::string> likelihood_metrics() const override;
  std::map<std::string, double> likelihood_scores(const metrics::LikelihoodOptions& options) override;
  std::map<std::string, Tensor> losses() override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  PixelModel& net() { return *net_; }
  // Mean exact NLL, nats per image, of the first n test images (no grad).
  double test_nll_nats(int64_t n);

 private:
  data::Loader& loader();
  const data::Dataset& test_set();
  Tensor loss_of(const data::Batch& batch);
  train::Parts parts() const;

  train::TrainConfig config_;
  std::string name_;
  int64_t eval_n_, completions_, picture_n_;
  std::shared_ptr<PixelModel> net_;
  std::unique_ptr<nn::Adam> opt_;
  std::optional<data::Loader> loader_;
  train::LoaderPosition loader_position_;
  std::optional<data::Dataset> test_;
};

}  // namespace nabla::ar
