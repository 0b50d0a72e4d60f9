#include "models/io/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <stdexcept>

#include "models/io/png.h"

namespace nabla::io {

namespace {

constexpr Rgb kBlack{0, 0, 0}, kGrid{225, 225, 225}, kBorder{160, 160, 160}, kWhite{255, 255, 255};
constexpr int kTick = 4, kGap = 4;

void check_series(const std::vector<Series>& series) {
  for (const Series& s : series)
    if (s.xs.size() != s.ys.size())
      throw std::invalid_argument("plot_lines: series '" + s.name + "' has " + std::to_string(s.xs.size()) +
                                  " xs but " + std::to_string(s.ys.size()) + " ys");
}

// [lo, hi] of the finite values, widened when empty or a single value.
std::pair<double, double> range_of(const std::vector<Series>& series, bool ys, double pad) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const Series& s : series)
    for (size_t i = 0; i < s.xs.size(); ++i)
      if (std::isfinite(s.xs[i]) && std::isfinite(s.ys[i])) {
        const double v = ys ? s.ys[i] : s.xs[i];
        lo = std::min(lo, v), hi = std::max(hi, v);
      }
  if (lo > hi) return {0, 1};
  if (lo == hi) {
    const double w = lo == 0 ? 1 : std::abs(lo) * 0.1;
    return {lo - w, hi + w};
  }
  return {lo - pad * (hi - lo), hi + pad * (hi - lo)};
}

// A 1, 2 or 5 times a power of ten step giving about `count` ticks.
double tick_step(double lo, double hi, int count) {
  const double raw = (hi - lo) / count, p = std::pow(10, std::floor(std::log10(raw))), f = raw / p;
  return p * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
}

std::vector<double> ticks(double lo, double hi, double step) {
  std::vector<double> out;
  for (double k = std::ceil(lo / step); k * step <= hi + step * 1e-9 && out.size() < 50; ++k)
    out.push_back(std::abs(k * step) < step * 1e-9 ? 0 : k * step);
  return out;
}

std::string tick_label(double v, double step) {
  char buf[48];
  const double mag = std::max(std::abs(v), step);
  if (mag >= 1e6 || mag < 1e-4) std::snprintf(buf, sizeof buf, "%.3g", v);
  else std::snprintf(buf, sizeof buf, "%.*f", std::max(0, -static_cast<int>(std::floor(std::log10(step)))), v);
  return buf;
}

struct Axes {
  PlotFrame frame;
  std::vector<double> xt, yt;
  double xstep, ystep;
};

Axes layout(const std::vector<Series>& series, const std::string& title, const PlotOptions& o) {
  check_series(series);
  Axes a;
  auto [x0, x1] = range_of(series, false, 0);
  auto [y0, y1] = range_of(series, true, 0.05);
  a.frame.x_min = x0, a.frame.x_max = x1, a.frame.y_min = y0, a.frame.y_max = y1;
  a.xstep = tick_step(x0, x1, 6), a.ystep = tick_step(y0, y1, 5);
  a.xt = ticks(x0, x1, a.xstep), a.yt = ticks(y0, y1, a.ystep);
  int label_width = 0;
  for (double v : a.yt) label_width = std::max(label_width, Canvas::text_width(tick_label(v, a.ystep)));
  const int th = Canvas::text_height();
  a.frame.left = label_width + kTick + 2 * kGap;
  a.frame.right = o.width - 1 - 3 * kGap - Canvas::text_width(tick_label(a.xt.empty() ? 0 : a.xt.back(), a.xstep)) / 2;
  a.frame.top = title.empty() ? 3 * kGap : 2 * Canvas::text_height(2);
  a.frame.bottom = o.height - 1 - (kTick + 3 * kGap + 2 * th);
  if (a.frame.right - a.frame.left < 20 || a.frame.bottom - a.frame.top < 20)
    throw std::invalid_argument("plot_lines: " + std::to_string(o.width) + "x" + std::to_string(o.height) +
                                " leaves no room for the plot");
  return a;
}

void draw_axes(Canvas& c, const Axes& a, const std::string& title, const PlotOptions& o) {
  const PlotFrame& f = a.frame;
  const int th = Canvas::text_height();
  for (double v : a.yt) {
    const int y = static_cast<int>(std::lround(f.py(v)));
    c.line(f.left, y, f.right, y, kGrid);
    c.line(f.left - kTick, y, f.left, y, kBlack);
    const std::string s = tick_label(v, a.ystep);
    c.text(f.left - kTick - kGap - Canvas::text_width(s), y - th / 2, s, kBlack);
  }
  for (double v : a.xt) {
    const int x = static_cast<int>(std::lround(f.px(v)));
    c.line(x, f.top, x, f.bottom, kGrid);
    c.line(x, f.bottom, x, f.bottom + kTick, kBlack);
    const std::string s = tick_label(v, a.xstep);
    c.text(x - Canvas::text_width(s) / 2, f.bottom + kTick + kGap, s, kBlack);
  }
  c.line(f.left, f.top, f.left, f.bottom, kBlack);
  c.line(f.left, f.bottom, f.right, f.bottom, kBlack);
  c.text((f.left + f.right - Canvas::text_width(o.x_label)) / 2, f.bottom + kTick + 2 * kGap + th, o.x_label, kBlack);
  c.text((o.width - Canvas::text_width(title, 2)) / 2, (f.top - Canvas::text_height(2)) / 2, title, kBlack, 2);
}

void draw_legend(Canvas& c, const std::vector<Series>& series, const PlotFrame& f) {
  if (series.empty()) return;
  int w = 0;
  for (const Series& s : series) w = std::max(w, Canvas::text_width(s.name));
  const int row = Canvas::text_height() + kGap, swatch = 16;
  const int x1 = f.right - kGap, x0 = x1 - (w + swatch + 3 * kGap), y0 = f.top + kGap;
  const int y1 = y0 + static_cast<int>(series.size()) * row + kGap;
  c.fill_rect(x0, y0, x1, y1, kWhite);
  c.line(x0, y0, x1, y0, kBorder);
  c.line(x1, y0, x1, y1, kBorder);
  c.line(x1, y1, x0, y1, kBorder);
  c.line(x0, y1, x0, y0, kBorder);
  for (size_t i = 0; i < series.size(); ++i) {
    const int y = y0 + kGap + static_cast<int>(i) * row;
    c.line(x0 + kGap, y + row / 2 - 2, x0 + kGap + swatch, y + row / 2 - 2, series_color(i), 2);
    c.text(x0 + 2 * kGap + swatch, y, series[i].name, kBlack);
  }
}

}  // namespace

Rgb series_color(size_t i) {
  static constexpr Rgb kTab10[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},  {148, 103, 189},
                                   {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  return kTab10[i % 10];
}

PlotFrame plot_frame(const std::vector<Series>& series, const std::string& title, const PlotOptions& options) {
  return layout(series, title, options).frame;
}

Canvas render_plot(const std::vector<Series>& series, const std::string& title, const PlotOptions& options) {
  const Axes a = layout(series, title, options);
  const PlotFrame& f = a.frame;
  Canvas c(options.width, options.height);
  draw_axes(c, a, title, options);
  for (size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    const Rgb color = series_color(i);
    bool have_prev = false;
    double px = 0, py = 0;
    for (size_t k = 0; k < s.xs.size(); ++k) {
      if (!std::isfinite(s.xs[k]) || !std::isfinite(s.ys[k])) {
        have_prev = false;  // a gap in the curve
        continue;
      }
      const double x = f.px(s.xs[k]), y = f.py(s.ys[k]);
      c.line(have_prev ? px : x, have_prev ? py : y, x, y, color, 2);
      px = x, py = y, have_prev = true;
    }
  }
  draw_legend(c, series, f);
  return c;
}

std::vector<Series> series_from_metrics(const Metrics& metrics, const std::vector<std::string>& names) {
  std::vector<std::string> keys = names;
  if (keys.empty()) {
    std::set<std::string> all;
    for (const MetricsRecord& r : metrics.records)
      for (const auto& [name, unused] : r.values) all.insert(name);
    keys.assign(all.begin(), all.end());
  }
  std::vector<Series> out;
  for (const std::string& key : keys) {
    Series s{key, {}, {}};
    for (const MetricsRecord& r : metrics.records) {
      const auto it = r.values.find(key);
      if (it == r.values.end()) continue;
      s.xs.push_back(static_cast<double>(r.step));
      s.ys.push_back(it->second);
    }
    out.push_back(std::move(s));
  }
  return out;
}

void plot_lines(const std::string& path, const std::vector<Series>& series, const std::string& title,
                const PlotOptions& options) {
  write_png(path, render_plot(series, title, options).to_tensor());
}

}  // namespace nabla::io
