#pragma once
// The feature network behind FID and the Inception Score: there are no
// Inception weights offline, so nabla trains its own small CNN on
// Fashion-MNIST (`nabla train classifier`) and uses its penultimate
// activations [N, 128] and softmax probabilities [N, 10].
//
// Net: Conv(1,32,3,p1)-ReLU-MaxPool2-Conv(32,64,3,p1)-ReLU-MaxPool2-Flatten-
// Linear(3136,128)-ReLU | Linear(128,10). Images in [-1, 1] (what generators
// make), [N, 1, 28, 28].
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "models/data/loader.h"
#include "models/nn/nn.h"
#include "models/train/config.h"
#include "models/train/state.h"
#include "models/train/trainer.h"

namespace nabla::metrics {

inline constexpr int64_t kClassifierFeatures = 128;
inline constexpr int64_t kClassifierClasses = 10;

// The two halves: body (images -> features, ending in ReLU) and head
// (features -> logits).
struct ClassifierNet {
  nn::ModulePtr body, head;
};
ClassifierNet classifier_net(Generator* gen);

// Trains ClassifierNet with cross entropy and Adam (default betas) on the
// Fashion-MNIST train split. step() returns "loss"; scores() the test-split
// accuracy "test_accuracy" (all 10000 images, or --set eval_n=N: the first N).
// Its picture is a grid of test images, each with its predicted class under
// it (green when right, red when wrong).
class ClassifierTrainer : public train::Trainer {
 public:
  explicit ClassifierTrainer(const train::TrainConfig& config);

  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  // n test images drawn with gen, in [-1, 1].
  Tensor sample(int64_t n, Generator& gen) override;
  // The test images sample(n, gen) draws, labelled with the predictions.
  Tensor picture(int64_t n, Generator& gen) override;
  std::map<std::string, double> scores() override;
  std::map<std::string, Tensor> losses() override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  const ClassifierNet& net() const { return net_; }

 private:
  data::Loader& loader();
  const data::Dataset& test_set();
  Tensor loss_of(const data::Batch& batch);

  train::TrainConfig config_;
  int64_t eval_n_;
  ClassifierNet net_;
  std::unique_ptr<nn::Adam> opt_;
  std::optional<data::Loader> loader_;
  train::LoaderPosition loader_position_;
  std::optional<data::Dataset> test_;
};

struct Features {
  Tensor features;  // f32 [N, 128], penultimate activations
  Tensor probs;     // f32 [N, 10], softmax of the logits
};

// A trained classifier used as a feature network, in eval mode, without
// gradients. Works on any device its net was moved to; results come back on
// the CPU.
class FeatureNet {
 public:
  explicit FeatureNet(ClassifierNet net, Device device = Device::cpu());
  // From a `nabla train classifier` checkpoint; throws std::runtime_error
  // naming the file when it is not one.
  static FeatureNet load(const std::string& checkpoint, Device device = Device::cpu());

  // images [N, 1, 28, 28] in [-1, 1], any float dtype, processed `batch` at a time.
  Features operator()(const Tensor& images, int64_t batch = 500) const;
  // Accuracy on (images [N, 1, 28, 28] u8, labels i64 [N]) as a dataset holds them.
  double accuracy(const data::Dataset& data, int64_t n = -1) const;

 private:
  ClassifierNet net_;
  Device device_;
};

}  // namespace nabla::metrics
