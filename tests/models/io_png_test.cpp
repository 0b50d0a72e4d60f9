#include <png.h>

#include <filesystem>

#include "models/io/png.h"
#include "tests/models/io_testing.h"
#include "tests/testing.h"

namespace nabla::io {
namespace {

using PngTest = testing::TempDir;

// Decodes a PNG file with libpng's simplified API into the given format.
std::vector<uint8_t> read_png(const std::string& path, int& width, int& height, png_uint_32 format) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  EXPECT_TRUE(png_image_begin_read_from_file(&image, path.c_str())) << image.message;
  image.format = format;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
  EXPECT_TRUE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) << image.message;
  width = static_cast<int>(image.width), height = static_cast<int>(image.height);
  return pixels;
}

TEST_F(PngTest, RgbRoundTrip) {
  std::vector<uint8_t> v(5 * 7 * 3);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(i * 37 % 256);
  const std::string p = path("rgb.png");
  write_png(p, tensor<uint8_t>(v, {5, 7, 3}));
  int w = 0, h = 0;
  EXPECT_EQ(read_png(p, w, h, PNG_FORMAT_RGB), v);
  EXPECT_EQ(w, 7);
  EXPECT_EQ(h, 5);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);  // no temp left behind
}

TEST_F(PngTest, GreyRoundTripFromNoncontiguous) {
  std::vector<uint8_t> v(4 * 6);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<uint8_t>(255 - i * 9);
  const Tensor img = tensor<uint8_t>(v, {4, 6});
  const std::string p = path("grey.png");
  write_png(p, nabla::testing::noncontiguous(img));
  int w = 0, h = 0;
  EXPECT_EQ(read_png(p, w, h, PNG_FORMAT_GRAY), v);
  EXPECT_EQ(w, 6);
  EXPECT_EQ(h, 4);
}

TEST_F(PngTest, RejectsBadImages) {
  EXPECT_THROW(write_png(path("a.png"), zeros({4, 4})), std::invalid_argument);              // f32
  EXPECT_THROW(write_png(path("a.png"), zeros({4, 4, 2}, DType::u8)), std::invalid_argument);  // 2 channels
  EXPECT_THROW(write_png(path("a.png"), zeros({0, 4}, DType::u8)), std::invalid_argument);
  EXPECT_THROW(write_png(path("missing/a.png"), zeros({2, 2}, DType::u8)), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(path("a.png")));
}

TEST(ImageGrid, GreyLayoutAndScaling) {
  // Three 2x2 images, two per row, padding 1: [2*3+1, 2*3+1] = [7, 7].
  std::vector<float> v = {0, 1, 0.5f, 2,  -1, 0.25f, 0.75f, 1,  1, 1, 1, 1};
  const Tensor g = image_grid(tensor<float>(v, {3, 1, 2, 2}), 2, 1, 0, 1);
  ASSERT_EQ(g.shape(), (Shape{7, 7}));
  ASSERT_EQ(g.dtype(), DType::u8);
  const auto p = to_vector<uint8_t>(g);
  auto at = [&](int y, int x) { return p[y * 7 + x]; };
  EXPECT_EQ(at(0, 0), 0);    // padding
  EXPECT_EQ(at(1, 1), 0);    // image 0 (0, 0)
  EXPECT_EQ(at(1, 2), 255);  // image 0 (0, 1)
  EXPECT_EQ(at(2, 1), 128);  // 0.5 -> 127.5 rounds to 128
  EXPECT_EQ(at(2, 2), 255);  // 2 clamps to 1
  EXPECT_EQ(at(1, 4), 0);    // image 1: -1 clamps to 0
  EXPECT_EQ(at(1, 5), 64);   // 0.25 -> 63.75
  EXPECT_EQ(at(2, 4), 191);  // 0.75 -> 191.25
  EXPECT_EQ(at(4, 1), 255);  // image 2 on the second row
  EXPECT_EQ(at(4, 4), 0);    // the empty slot stays black
}

TEST(ImageGrid, RgbRangeMinusOneToOne) {
  Tensor imgs = zeros({2, 3, 1, 1}, DType::f64);
  std::vector<double> v = {-1, 0, 1, 1, 1, -1};  // image 0: (0, 127.5, 255); image 1: (255, 255, 0)
  imgs = tensor<double>(v, {2, 3, 1, 1});
  const Tensor g = image_grid(imgs, 8, 0, -1, 1);
  ASSERT_EQ(g.shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(to_vector<uint8_t>(g), (std::vector<uint8_t>{0, 128, 255, 255, 255, 0}));
}

TEST(ImageGrid, RejectsBadArguments) {
  EXPECT_THROW(image_grid(zeros({2, 2, 4, 4}), 2), std::invalid_argument);  // C = 2
  EXPECT_THROW(image_grid(zeros({2, 4, 4}), 2), std::invalid_argument);
  EXPECT_THROW(image_grid(zeros({2, 1, 4, 4}), 0), std::invalid_argument);
  EXPECT_THROW(image_grid(zeros({2, 1, 4, 4}), 2, 2, 1, 1), std::invalid_argument);
}

}  // namespace
}  // namespace nabla::io
