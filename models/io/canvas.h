#pragma once
// An RGB raster to draw plots on: pixels, lines, rectangles and 5x7 text.
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace nabla::io {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = {255, 255, 255});
  int width() const { return width_; }
  int height() const { return height_; }
  Rgb at(int x, int y) const;
  void set(int x, int y, Rgb c);  // clipped
  void fill_rect(int x0, int y0, int x1, int y1, Rgb c);  // inclusive corners
  // A line `thickness` pixels wide between two points (Bresenham, clipped).
  void line(double x0, double y0, double x1, double y1, Rgb c, int thickness = 1);
  // Text with its top-left corner at (x, y), each font pixel `scale` pixels.
  void text(int x, int y, const std::string& s, Rgb c, int scale = 1);
  static int text_width(const std::string& s, int scale = 1);
  static int text_height(int scale = 1);
  // u8 [height, width, 3] for write_png.
  Tensor to_tensor() const;

 private:
  int width_, height_;
  std::vector<Rgb> pixels_;
};

}  // namespace nabla::io
