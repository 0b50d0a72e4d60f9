#pragma once
// The image data of a training run.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "models/data/loader.h"
#include "models/train/config.h"
#include "models/train/state.h"

namespace nabla::train {

// The training split of config.data (empty: Debian's Fashion-MNIST) in
// batches of config.batch shuffled from config.seed, the last partial batch
// dropped, pixels scaled to [-1, 1].
data::Loader training_loader(const TrainConfig& config);

// A run's training batches: those of training_loader, or, once use_toy() is
// called, the rows of toy tensors in batches of config.batch shuffled from
// config.seed (the last partial batch dropped). The loader is built on first
// use and bound to position() (where a checkpoint's loader state goes).
class RunData {
 public:
  explicit RunData(const TrainConfig& config) : config_(config) {}

  // Before the first batch: train on the rows of `tensors` (same length).
  void use_toy(std::vector<Tensor> tensors) { toy_ = std::move(tensors); }
  int64_t batches_per_epoch();
  // The toy tensors' rows, or {images, labels}.
  std::vector<Tensor> next();
  LoaderPosition& position() { return position_; }
  const LoaderPosition& position() const { return position_; }

 private:
  void open();

  TrainConfig config_;
  std::vector<Tensor> toy_;
  std::optional<data::Loader> images_;
  std::optional<data::TensorLoader> rows_;
  LoaderPosition position_;
};

}  // namespace nabla::train
