#pragma once
// MNIST-format image classification sets (Fashion-MNIST, MNIST, KMNIST...):
// a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally .gz.
#include <array>
#include <string>

#include "core/tensor.h"

namespace nabla::data {

// N examples: images u8 [N, 1, H, W] (0 = background), labels i64 [N].
struct Dataset {
  Tensor images;
  Tensor labels;
  int64_t size() const { return images.defined() ? images.size(0) : 0; }
};

enum class Split { train, test };
const char* name(Split split);

// Debian's dataset-fashion-mnist package installs the files here.
inline constexpr const char* kFashionMnistRoot = "/usr/share/datasets/fashion-mnist";

// The train (60000) or test (10000) split of the MNIST-format folder `root`
// (empty: kFashionMnistRoot); "<name>.gz" is tried before "<name>". A missing file throws naming it and
// how to install Fashion-MNIST; a bad file throws as read_idx does; images
// that are not [N, rows, cols], labels that are not [N], or counts that
// differ throw naming both files.
Dataset load_fashion_mnist(Split split, const std::string& root = kFashionMnistRoot);

// The pair of IDX files behind load_fashion_mnist, checked against each other.
Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path);

// Fashion-MNIST's class names, by label.
const std::array<const char*, 10>& fashion_mnist_classes();

}  // namespace nabla::data
