#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "autograd/nabla.h"
#include "models/data/loader.h"
#include "models/data/mnist.h"
#include "tests/models/data_testing.h"
#include "tests/testing.h"

namespace nabla::data {
namespace {

using testing::idx_bytes;
using testing::pattern;
using testing::TempDir;
using testing::throws_with;

TEST(DataMnist, LoadsBothSplitsOfAnyMnistFormatFolder) {
  TempDir dir;
  // train gzip-compressed, test raw: both names are found.
  testing::write_gzip(dir.file("train-images-idx3-ubyte.gz"), idx_bytes({4, 3, 2}, pattern(24)));
  testing::write_gzip(dir.file("train-labels-idx1-ubyte.gz"), idx_bytes({4}, {9, 0, 3, 3}));
  testing::write_raw(dir.file("t10k-images-idx3-ubyte"), idx_bytes({2, 3, 2}, pattern(12)));
  testing::write_raw(dir.file("t10k-labels-idx1-ubyte"), idx_bytes({2}, {1, 2}));

  const Dataset train = load_fashion_mnist(Split::train, dir.str());
  EXPECT_EQ(train.size(), 4);
  EXPECT_EQ(train.images.shape(), (Shape{4, 1, 3, 2}));
  EXPECT_EQ(train.images.dtype(), DType::u8);
  const auto px = pattern(24);
  EXPECT_EQ(to_vector<uint8_t>(train.images), std::vector<uint8_t>(px.begin(), px.end()));
  EXPECT_EQ(to_vector<int64_t>(train.labels), (std::vector<int64_t>{9, 0, 3, 3}));

  const Dataset test = load_fashion_mnist(Split::test, dir.str());
  EXPECT_EQ(test.images.shape(), (Shape{2, 1, 3, 2}));
  EXPECT_EQ(to_vector<int64_t>(test.labels), (std::vector<int64_t>{1, 2}));
}

TEST(DataMnist, MissingFileSaysWhichAndHowToInstall) {
  TempDir dir;
  EXPECT_TRUE(throws_with<std::runtime_error>(
      [&] { load_fashion_mnist(Split::test, dir.str()); },
      {dir.file("t10k-images-idx3-ubyte.gz"), "apt-get install dataset-fashion-mnist"}));
  testing::write_gzip(dir.file("train-images-idx3-ubyte.gz"), idx_bytes({1, 1, 1}, {0}));
  EXPECT_TRUE(throws_with<std::runtime_error>([&] { load_fashion_mnist(Split::train, dir.str()); },
                                              {dir.file("train-labels-idx1-ubyte.gz"), "apt-get install"}));
}

TEST(DataMnist, ClassNames) {
  const auto& names = fashion_mnist_classes();
  EXPECT_STREQ(names[0], "T-shirt/top");
  EXPECT_STREQ(names[5], "Sandal");
  EXPECT_STREQ(names[9], "Ankle boot");
  EXPECT_STREQ(name(Split::train), "train");
}

// The real files, from Debian's dataset-fashion-mnist package.
bool real_files_present(Split split) {
  const std::string prefix = std::string(kFashionMnistRoot) + (split == Split::train ? "/train" : "/t10k");
  for (const char* kind : {"-images-idx3-ubyte", "-labels-idx1-ubyte"}) {
    const std::string base = prefix + kind;
    if (!std::filesystem::exists(base + ".gz") && !std::filesystem::exists(base)) return false;
  }
  return true;
}

std::string why_skipped() {
  return std::string("Fashion-MNIST is not in ") + kFashionMnistRoot + " (apt-get install dataset-fashion-mnist)";
}

void check_real_split(Split split, int64_t n) {
  if (!real_files_present(split)) GTEST_SKIP() << why_skipped();
  const Dataset d = load_fashion_mnist(split);
  ASSERT_EQ(d.images.shape(), (Shape{n, 1, 28, 28}));
  ASSERT_EQ(d.labels.shape(), (Shape{n}));
  std::vector<int64_t> histogram(10, 0);
  for (int64_t l : to_vector<int64_t>(d.labels)) {
    ASSERT_GE(l, 0);
    ASSERT_LE(l, 9);
    ++histogram[static_cast<size_t>(l)];
  }
  EXPECT_EQ(histogram, std::vector<int64_t>(10, n / 10));  // balanced: 6000 / 1000 per class
  const auto px = to_vector<uint8_t>(d.images);
  EXPECT_EQ(*std::max_element(px.begin(), px.end()), 255);
  EXPECT_EQ(*std::min_element(px.begin(), px.end()), 0);
}

TEST(DataMnist, RealFashionMnistTest) { check_real_split(Split::test, 10000); }
TEST(DataMnist, RealFashionMnistTrain) { check_real_split(Split::train, 60000); }

// An empty folder (a run's default --data) means Debian's Fashion-MNIST.
TEST(DataMnist, EmptyRootIsTheDefaultFolder) {
  if (!real_files_present(Split::test)) GTEST_SKIP() << why_skipped();
  const Dataset by_default = load_fashion_mnist(Split::test, "");
  const Dataset named = load_fashion_mnist(Split::test, kFashionMnistRoot);
  ASSERT_EQ(by_default.size(), 10000);
  EXPECT_TRUE(nabla::testing::bitwise_equal(by_default.images, named.images));
  EXPECT_TRUE(nabla::testing::bitwise_equal(by_default.labels, named.labels));
}

// The loader a DCGAN run uses (batch 64, [-1, 1]) over the real training set,
// interrupted and resumed.
TEST(DataMnist, RealFashionMnistLoaderResumes) {
  if (!real_files_present(Split::train)) GTEST_SKIP() << why_skipped();
  const Dataset train = load_fashion_mnist(Split::train);
  const LoaderOptions o{.batch_size = 64, .seed = 7};
  Loader a(train, o);
  EXPECT_EQ(a.size(), 60000);
  EXPECT_EQ(a.batches_per_epoch(), 938);
  for (int i = 0; i < 3; ++i) {
    const Batch b = a.next();
    ASSERT_EQ(b.images.shape(), (Shape{64, 1, 28, 28}));
    ASSERT_EQ(b.images.dtype(), DType::f32);
    const auto x = to_vector<float>(b.images);
    EXPECT_GE(*std::min_element(x.begin(), x.end()), -1.0f);
    EXPECT_LE(*std::max_element(x.begin(), x.end()), 1.0f);
  }
  const LoaderState saved = a.state();
  Loader b(train, o);
  b.restore(saved);
  for (int i = 0; i < 2; ++i) {
    const Batch x = a.next(), y = b.next();
    EXPECT_EQ(y.index, 3 + i);
    EXPECT_EQ(to_vector<float>(x.images), to_vector<float>(y.images));
    EXPECT_EQ(to_vector<int64_t>(x.labels), to_vector<int64_t>(y.labels));
  }
  // A domain pair's half: sandals and sneakers only.
  Loader shoes(train, {.batch_size = 64, .classes = {5, 7}});
  EXPECT_EQ(shoes.size(), 12000);
  for (int64_t l : to_vector<int64_t>(shoes.next().labels)) EXPECT_TRUE(l == 5 || l == 7) << l;
}

}  // namespace
}  // namespace nabla::data
