#include "models/train/data.h"

#include "models/data/mnist.h"

namespace nabla::train {

data::Loader training_loader(const TrainConfig& config) {
  data::LoaderOptions o;
  o.batch_size = config.batch;
  o.drop_last = true;
  o.seed = config.seed;
  o.range = data::PixelRange::symmetric;
  return data::Loader(data::load_fashion_mnist(data::Split::train, config.data), o);
}

}  // namespace nabla::train
