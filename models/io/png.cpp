#include "models/io/png.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/atomic_file.h"
#include "core/factory.h"

namespace nabla::io {

namespace {

void check_image(const Tensor& image) {
  const bool shape_ok = image.dim() == 2 || (image.dim() == 3 && image.size(2) == 3);
  if (!image.defined() || image.dtype() != DType::u8 || !shape_ok || image.numel() == 0)
    throw std::invalid_argument("encode_png: expected a non-empty u8 [H, W] or [H, W, 3] image, got " +
                                describe(image));
}

}  // namespace

std::string encode_png(const Tensor& image_u8) {
  check_image(image_u8);
  const std::vector<uint8_t> pixels = to_vector<uint8_t>(image_u8);
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.height = static_cast<png_uint_32>(image_u8.size(0));
  image.width = static_cast<png_uint_32>(image_u8.size(1));
  image.format = image_u8.dim() == 2 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, pixels.data(), 0, nullptr))
    throw std::runtime_error(std::string("encode_png: ") + image.message);
  std::string out(size, '\0');
  if (!png_image_write_to_memory(&image, out.data(), &size, 0, pixels.data(), 0, nullptr))
    throw std::runtime_error(std::string("encode_png: ") + image.message);
  out.resize(size);
  return out;
}

void write_png(const std::string& path, const Tensor& image_u8) { write_file_atomic(path, encode_png(image_u8)); }

Tensor image_grid(const Tensor& images, int nrow, int padding, double lo, double hi) {
  if (!images.defined() || images.dim() != 4 || (images.size(1) != 1 && images.size(1) != 3) || images.size(0) == 0)
    throw std::invalid_argument("image_grid: expected images [N, C, H, W] with N > 0 and C = 1 or 3, got " +
                                describe(images));
  if (nrow < 1 || padding < 0 || !(hi > lo))
    throw std::invalid_argument("image_grid: expected nrow >= 1, padding >= 0 and lo < hi, got nrow " +
                                std::to_string(nrow) + ", padding " + std::to_string(padding));
  const int64_t n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  const int64_t cols = std::min<int64_t>(nrow, n), rows = (n + cols - 1) / cols;
  const int64_t gh = rows * (h + padding) + padding, gw = cols * (w + padding) + padding;
  const std::vector<double> v = to_vector<double>(images);
  Tensor grid = zeros(c == 1 ? Shape{gh, gw} : Shape{gh, gw, 3}, DType::u8);
  uint8_t* out = grid.data<uint8_t>();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t y0 = padding + (i / cols) * (h + padding), x0 = padding + (i % cols) * (w + padding);
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t y = 0; y < h; ++y)
        for (int64_t x = 0; x < w; ++x) {
          const double value = v[((i * c + ch) * h + y) * w + x];
          const double t = std::isnan(value) ? 0 : (std::clamp(value, lo, hi) - lo) / (hi - lo);
          out[((y0 + y) * gw + x0 + x) * c + ch] = static_cast<uint8_t>(std::floor(t * 255 + 0.5));
        }
  }
  return grid;
}

}  // namespace nabla::io
