#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "autograd/nabla.h"
#include "models/data/mnist.h"
#include "tests/models/data_testing.h"

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
void check_real_split(Split split, int64_t n) {
  if (!std::filesystem::exists(kFashionMnistRoot)) GTEST_SKIP() << kFashionMnistRoot << " absent";
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

}  // namespace
}  // namespace nabla::data
