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

void RunData::open() {
  if (images_ || rows_) return;
  if (toy_.empty()) {
    images_.emplace(training_loader(config_));
    position_.bind(*images_);
    return;
  }
  data::TensorLoaderOptions o;
  o.batch_size = config_.batch;
  o.drop_last = true;
  o.seed = config_.seed;
  rows_.emplace(toy_, o);
  position_.bind(*rows_);
}

int64_t RunData::batches_per_epoch() {
  open();
  return rows_ ? rows_->batches_per_epoch() : images_->batches_per_epoch();
}

std::vector<Tensor> RunData::next() {
  open();
  if (rows_) return rows_->next().tensors;
  data::Batch b = images_->next();
  return {b.images, b.labels};
}

}  // namespace nabla::train
