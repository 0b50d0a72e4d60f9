#pragma once
// Helpers for the training-loop tests: Fashion-MNIST's presence and a small,
// quiet run configuration.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "models/data/mnist.h"
#include "models/train/config.h"

namespace nabla::train::testing {

inline bool have_fashion_mnist() {
  return std::filesystem::exists(std::string(data::kFashionMnistRoot) + "/train-images-idx3-ubyte.gz") ||
         std::filesystem::exists(std::string(data::kFashionMnistRoot) + "/train-images-idx3-ubyte");
}

#define SKIP_WITHOUT_FASHION_MNIST()                                                                   \
  if (!::nabla::train::testing::have_fashion_mnist())                                                  \
  GTEST_SKIP() << "Fashion-MNIST is not in " << ::nabla::data::kFashionMnistRoot                       \
               << " (apt-get install dataset-fashion-mnist)"

inline TrainConfig small_config(const std::string& model, const std::string& out, int64_t steps) {
  TrainConfig c;
  c.model = model;
  c.out = out;
  c.steps = steps;
  c.batch = 16;
  c.lr = 2e-4;
  c.seed = 7;
  c.log_every = 1;
  c.progress = false;
  return c;
}

}  // namespace nabla::train::testing
