#include "models/gan/toy2d.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "autograd/nabla.h"
#include "models/data/synthetic.h"

namespace nabla::gan {

namespace {

// Row-major (x, y) pairs of a [n, 2] tensor of any float dtype or device.
std::vector<double> xy_of(const Tensor& points, const char* what) {
  if (points.dim() != 2 || points.size(1) != 2)
    throw std::invalid_argument(std::string("mode_stats: expected ") + what + " [n, 2], got " + describe(points));
  const Tensor t = contiguous(to(to(points, Device::cpu()), DType::f64));
  const double* p = t.data<double>();
  return std::vector<double>(p, p + t.numel());
}

struct Nearest {
  int64_t index;
  double distance;
};

Nearest nearest(double x, double y, const std::vector<double>& c) {
  Nearest best{-1, std::numeric_limits<double>::infinity()};
  for (size_t k = 0; k < c.size() / 2; ++k) {
    const double d = std::hypot(x - c[2 * k], y - c[2 * k + 1]);
    if (d < best.distance) best = {static_cast<int64_t>(k), d};
  }
  return best;
}

}  // namespace

bool is_toy_set(const std::string& name) { return name == "ring8" || name == "grid25"; }

ToySet make_toy_set(const std::string& name, int64_t n, uint64_t seed, const std::string& who, Tensor* labels) {
  Generator gen(seed);
  if (name == "ring8") {
    const data::RingOptions o;
    data::Mixture m = data::ring_gaussians(n, &gen, o);
    if (labels) *labels = m.modes;
    return {name, m.points, m.centres, o.std, 3.0};
  }
  if (name == "grid25") {
    const data::GridOptions o;
    data::Mixture m = data::grid_gaussians(n, &gen, o);
    if (labels) *labels = m.modes;
    return {name, m.points, m.centres, o.std, 6.0};
  }
  throw std::invalid_argument(who + ": unknown data \"" + name + "\"; known: fashion, ring8, grid25");
}

ModeStats mode_stats(const Tensor& points, const Tensor& centres, double std, double min_share) {
  const std::vector<double> p = xy_of(points, "points"), c = xy_of(centres, "centres");
  const int64_t n = static_cast<int64_t>(p.size() / 2);
  std::vector<int64_t> count(c.size() / 2, 0);
  int64_t good = 0;
  double total_distance = 0;
  for (int64_t i = 0; i < n; ++i) {
    const Nearest m = nearest(p[2 * i], p[2 * i + 1], c);
    total_distance += m.distance;
    if (m.distance <= 3 * std) {
      ++good;
      ++count[static_cast<size_t>(m.index)];
    }
  }
  ModeStats s;
  s.modes = static_cast<int64_t>(count.size());
  for (int64_t k : count) s.modes_covered += k > 0 && static_cast<double>(k) >= min_share * static_cast<double>(n);
  s.high_quality = n > 0 ? static_cast<double>(good) / static_cast<double>(n) : 0;
  s.mean_distance = n > 0 ? total_distance / static_cast<double>(n) : 0;
  return s;
}

io::Canvas scatter_plot(const Tensor& points, const ToySet& set, int size) {
  constexpr io::Rgb kPoint{31, 119, 180}, kCentre{255, 127, 14}, kFrame{0, 0, 0};
  constexpr int kTitle = 20;
  io::Canvas canvas(size, size + kTitle);
  const double scale = (size - 1) / (2 * set.extent);
  auto px = [&](double x) { return (x + set.extent) * scale; };
  auto py = [&](double y) { return kTitle + (set.extent - y) * scale; };
  const std::vector<double> p = xy_of(points, "points"), c = xy_of(set.centres, "centres");
  const double r = std::max(3.0, 3 * set.std * scale);
  for (size_t k = 0; k < c.size() / 2; ++k)
    for (int s = 0; s < 32; ++s) {
      const double a0 = 2 * std::numbers::pi * s / 32, a1 = 2 * std::numbers::pi * (s + 1) / 32;
      canvas.line(px(c[2 * k]) + r * std::cos(a0), py(c[2 * k + 1]) + r * std::sin(a0), px(c[2 * k]) + r * std::cos(a1),
                  py(c[2 * k + 1]) + r * std::sin(a1), kCentre, 2);
    }
  for (size_t i = 0; i < p.size() / 2; ++i) {
    const int x = static_cast<int>(std::lround(px(p[2 * i]))), y = static_cast<int>(std::lround(py(p[2 * i + 1])));
    canvas.fill_rect(x - 1, y - 1, x + 1, y + 1, kPoint);
  }
  canvas.line(0, kTitle, size - 1, kTitle, kFrame);
  const ModeStats st = mode_stats(points, set.centres, set.std);
  char title[128];
  std::snprintf(title, sizeof title, "%s: %lld of %lld modes, %.2f high quality", set.name.c_str(),
                static_cast<long long>(st.modes_covered), static_cast<long long>(st.modes), st.high_quality);
  canvas.text(6, 6, title, kFrame);
  return canvas;
}

}  // namespace nabla::gan
