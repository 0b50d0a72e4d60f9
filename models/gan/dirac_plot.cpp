#include "models/gan/dirac_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "autograd/nabla.h"

namespace nabla::gan {

namespace {

constexpr double kRange = 2;  // the plot shows [-kRange, kRange]^2
constexpr int kArrows = 16;   // per axis, at the centres of a 16 x 16 grid of cells
constexpr int kSize = 640;
constexpr io::Rgb kBlack{0, 0, 0}, kGrid{228, 228, 228}, kArrow{90, 110, 160}, kClip{240, 160, 160},
    kPath{214, 39, 40}, kStart{44, 160, 44};

struct Frame {
  int left = 56, top = 44, right = kSize - 24, bottom = kSize - 48;
  double px(double theta) const { return left + (theta + kRange) / (2 * kRange) * (right - left); }
  double py(double psi) const { return bottom - (psi + kRange) / (2 * kRange) * (bottom - top); }
};

bool inside(double theta, double psi) { return std::abs(theta) <= kRange && std::abs(psi) <= kRange; }

void draw_axes(io::Canvas& c, const Frame& f, const std::string& title) {
  const int th = io::Canvas::text_height();
  for (int k = -2; k <= 2; ++k) {
    const double v = k * kRange / 2;
    const int x = static_cast<int>(std::lround(f.px(v))), y = static_cast<int>(std::lround(f.py(v)));
    c.line(x, f.top, x, f.bottom, kGrid);
    c.line(f.left, y, f.right, y, kGrid);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%g", v);
    c.text(x - io::Canvas::text_width(buf) / 2, f.bottom + 6, buf, kBlack);
    c.text(f.left - 8 - io::Canvas::text_width(buf), y - th / 2, buf, kBlack);
  }
  c.line(f.left, f.top, f.left, f.bottom, kBlack);
  c.line(f.left, f.bottom, f.right, f.bottom, kBlack);
  c.line(f.right, f.top, f.right, f.bottom, kBlack);
  c.line(f.left, f.top, f.right, f.top, kBlack);
  c.text((f.left + f.right - io::Canvas::text_width("theta")) / 2, f.bottom + 10 + th, "theta", kBlack);
  c.text(f.left - io::Canvas::text_width("psi") / 2, f.top - th - 6, "psi", kBlack);
  c.text((kSize - io::Canvas::text_width(title, 2)) / 2, 8, title, kBlack, 2);
}

void arrow(io::Canvas& c, double x0, double y0, double dx, double dy) {
  const double len = std::hypot(dx, dy);
  if (len < 1) return;
  c.line(x0, y0, x0 + dx, y0 + dy, kArrow);
  const double head = std::max(3.0, 0.35 * len), a = std::atan2(dy, dx);
  for (double side : {-0.45, 0.45})
    c.line(x0 + dx, y0 + dy, x0 + dx - head * std::cos(a + side), y0 + dy - head * std::sin(a + side), kArrow);
}

// Arrows in the update direction, the longest 0.9 of a grid cell.
void draw_field(io::Canvas& c, const Frame& f, const DiracOptions& options) {
  std::vector<double> thetas, psis;
  for (int i = 0; i < kArrows; ++i)
    for (int j = 0; j < kArrows; ++j) {
      thetas.push_back(-kRange + 2 * kRange * (j + 0.5) / kArrows);
      psis.push_back(-kRange + 2 * kRange * (i + 0.5) / kArrows);
    }
  const int64_t n = static_cast<int64_t>(thetas.size());
  const auto [vt, vp] = dirac_field(tensor<double>(thetas, {n}), tensor<double>(psis, {n}), options);
  const std::vector<double> dt = to_vector<double>(vt), dp = to_vector<double>(vp);
  double longest = 0;
  for (int64_t k = 0; k < n; ++k) longest = std::max(longest, std::hypot(dt[k], dp[k]));
  if (!(longest > 0) || !std::isfinite(longest)) return;
  const double cell = (f.right - f.left) / static_cast<double>(kArrows), scale = 0.9 * cell / longest;
  for (int64_t k = 0; k < n; ++k) arrow(c, f.px(thetas[k]), f.py(psis[k]), scale * dt[k], -scale * dp[k]);
}

void draw_path(io::Canvas& c, const Frame& f, const std::vector<double>& h) {
  for (size_t k = 2; k + 1 < h.size(); k += 2)
    if (inside(h[k - 2], h[k - 1]) && inside(h[k], h[k + 1]))
      c.line(f.px(h[k - 2]), f.py(h[k - 1]), f.px(h[k]), f.py(h[k + 1]), kPath, 2);
  auto mark = [&](double t, double p, io::Rgb col) {
    if (!inside(t, p)) return;
    const int x = static_cast<int>(std::lround(f.px(t))), y = static_cast<int>(std::lround(f.py(p)));
    c.fill_rect(x - 4, y - 4, x + 4, y + 4, col);
  };
  if (h.size() >= 2) mark(h[0], h[1], kStart);
  if (h.size() >= 4) mark(h[h.size() - 2], h[h.size() - 1], kPath);
}

}  // namespace

io::Canvas draw_dirac_game(const DiracOptions& options, const std::vector<double>& history, const std::string& title) {
  io::Canvas c(kSize, kSize);
  const Frame f;
  draw_axes(c, f, title);
  if (options.loss == DiracLoss::wgan && options.clip < kRange)
    for (double p : {-options.clip, options.clip}) c.line(f.left, f.py(p), f.right, f.py(p), kClip);
  const int cx = static_cast<int>(std::lround(f.px(0))), cy = static_cast<int>(std::lround(f.py(0)));
  c.line(cx - 6, cy, cx + 6, cy, kBlack, 2);
  c.line(cx, cy - 6, cx, cy + 6, kBlack, 2);
  draw_field(c, f, options);
  draw_path(c, f, history);
  return c;
}

}  // namespace nabla::gan
