#pragma once
// The image data of a training run.
#include "models/data/loader.h"
#include "models/train/config.h"

namespace nabla::train {

// The training split of config.data (empty: Debian's Fashion-MNIST) in
// batches of config.batch shuffled from config.seed, the last partial batch
// dropped, pixels scaled to [-1, 1].
data::Loader training_loader(const TrainConfig& config);

}  // namespace nabla::train
