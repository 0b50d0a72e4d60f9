#include "models/data/mnist.h"

#include <filesystem>
#include <stdexcept>

#include "core/copy.h"
#include "core/views.h"
#include "models/data/idx.h"

namespace nabla::data {
namespace fs = std::filesystem;

const char* name(Split split) { return split == Split::train ? "train" : "test"; }

const std::array<const char*, 10>& fashion_mnist_classes() {
  static const std::array<const char*, 10> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path) {
  Tensor images = read_idx(images_path);
  Tensor labels = read_idx(labels_path);
  const std::string both = " (images " + images_path + ", labels " + labels_path + ")";
  if (images.dim() != 3)
    throw std::runtime_error("load_idx_pair: expected images [N, rows, cols], got " + str(images.shape()) + both);
  if (labels.dim() != 1)
    throw std::runtime_error("load_idx_pair: expected labels [N], got " + str(labels.shape()) + both);
  if (images.size(0) != labels.size(0))
    throw std::runtime_error("load_idx_pair: " + std::to_string(images.size(0)) + " images but " +
                             std::to_string(labels.size(0)) + " labels" + both);
  Dataset d;
  d.images = prim::view(images, {images.size(0), 1, images.size(1), images.size(2)});
  d.labels = prim::to(labels, DType::i64);
  return d;
}

namespace {
std::string find_file(const std::string& root, const std::string& stem) {
  const fs::path base = fs::path(root) / stem;
  for (const fs::path& p : {fs::path(base.string() + ".gz"), base}) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  throw std::runtime_error("load_fashion_mnist: missing " + base.string() + ".gz (nor " + base.string() +
                           "); install Fashion-MNIST with `apt-get install dataset-fashion-mnist` (it goes to " +
                           kFashionMnistRoot + "), or pass the folder holding the MNIST-format files as root (`nabla train --data DIR`)");
}
}  // namespace

Dataset load_fashion_mnist(Split split, const std::string& folder) {
  const std::string root = folder.empty() ? kFashionMnistRoot : folder;
  const std::string prefix = split == Split::train ? "train" : "t10k";
  const std::string images = find_file(root, prefix + "-images-idx3-ubyte");
  const std::string labels = find_file(root, prefix + "-labels-idx1-ubyte");
  return load_idx_pair(images, labels);
}

}  // namespace nabla::data
