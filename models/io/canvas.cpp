#include "models/io/canvas.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "core/factory.h"
#include "models/io/font.h"

namespace nabla::io {

namespace {

// Liang-Barsky: clips the segment to the box [xmin, xmax] x [ymin, ymax];
// false when nothing of it is inside. Keeps the pixel walk short even for
// points far off the canvas (a diverging loss).
bool clip(double& x0, double& y0, double& x1, double& y1, double xmin, double ymin, double xmax, double ymax) {
  const double dx = x1 - x0, dy = y1 - y0;
  const double p[4] = {-dx, dx, -dy, dy}, q[4] = {x0 - xmin, xmax - x0, y0 - ymin, ymax - y0};
  double t0 = 0, t1 = 1;
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const double t = q[i] / p[i];
    if (p[i] < 0) t0 = std::max(t0, t);
    else t1 = std::min(t1, t);
  }
  if (t0 > t1) return false;
  const double ax = x0 + t0 * dx, ay = y0 + t0 * dy;
  x1 = x0 + t1 * dx, y1 = y0 + t1 * dy, x0 = ax, y0 = ay;
  return true;
}

}  // namespace

Canvas::Canvas(int width, int height, Rgb background) : width_(width), height_(height) {
  if (width <= 0 || height <= 0)
    throw std::invalid_argument("Canvas: expected a positive size, got " + std::to_string(width) + "x" +
                                std::to_string(height));
  pixels_.assign(static_cast<size_t>(width) * height, background);
}

Rgb Canvas::at(int x, int y) const {
  if (x < 0 || x >= width_ || y < 0 || y >= height_)
    throw std::out_of_range("Canvas::at: (" + std::to_string(x) + ", " + std::to_string(y) + ") is outside " +
                            std::to_string(width_) + "x" + std::to_string(height_));
  return pixels_[static_cast<size_t>(y) * width_ + x];
}

void Canvas::set(int x, int y, Rgb c) {
  if (x >= 0 && x < width_ && y >= 0 && y < height_) pixels_[static_cast<size_t>(y) * width_ + x] = c;
}

void Canvas::fill_rect(int x0, int y0, int x1, int y1, Rgb c) {
  for (int y = std::min(y0, y1); y <= std::max(y0, y1); ++y)
    for (int x = std::min(x0, x1); x <= std::max(x0, x1); ++x) set(x, y, c);
}

void Canvas::line(double x0, double y0, double x1, double y1, Rgb c, int thickness) {
  if (!std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1)) return;
  if (!clip(x0, y0, x1, y1, -thickness, -thickness, width_ + thickness, height_ + thickness)) return;
  int ax = static_cast<int>(std::lround(x0)), ay = static_cast<int>(std::lround(y0));
  const int bx = static_cast<int>(std::lround(x1)), by = static_cast<int>(std::lround(y1));
  const int dx = std::abs(bx - ax), dy = -std::abs(by - ay), sx = ax < bx ? 1 : -1, sy = ay < by ? 1 : -1;
  const int lo = -(thickness - 1) / 2, hi = thickness / 2;
  for (int err = dx + dy;;) {
    fill_rect(ax + lo, ay + lo, ax + hi, ay + hi, c);
    if (ax == bx && ay == by) break;
    const int e2 = 2 * err;
    if (e2 >= dy) err += dy, ax += sx;
    if (e2 <= dx) err += dx, ay += sy;
  }
}

void Canvas::text(int x, int y, const std::string& s, Rgb c, int scale) {
  for (size_t i = 0; i < s.size(); ++i) {
    const int left = x + static_cast<int>(i) * (kGlyphWidth + 1) * scale;
    for (int gy = 0; gy < kGlyphHeight; ++gy)
      for (int gx = 0; gx < kGlyphWidth; ++gx)
        if (glyph_pixel(s[i], gx, gy))
          fill_rect(left + gx * scale, y + gy * scale, left + (gx + 1) * scale - 1, y + (gy + 1) * scale - 1, c);
  }
}

int Canvas::text_width(const std::string& s, int scale) {
  return s.empty() ? 0 : (static_cast<int>(s.size()) * (kGlyphWidth + 1) - 1) * scale;
}

int Canvas::text_height(int scale) { return kGlyphHeight * scale; }

Tensor Canvas::to_tensor() const {
  Tensor t = empty({height_, width_, 3}, DType::u8);
  uint8_t* p = t.data<uint8_t>();
  for (const Rgb& px : pixels_) *p++ = px.r, *p++ = px.g, *p++ = px.b;
  return t;
}

}  // namespace nabla::io
