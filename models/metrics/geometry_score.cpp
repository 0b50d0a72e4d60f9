#include "models/metrics/geometry_score.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "autograd/nabla.h"
#include "models/io/plot.h"
#include "models/io/png.h"
#include "models/metrics/witness.h"

namespace nabla::metrics {

namespace {

// samples [N, ...] as f64 [N, D] on their device.
Tensor flat64(const Tensor& samples) { return to(reshape(samples, {samples.size(0), -1}), DType::f64); }

double default_gamma(int64_t n) { return 1.0 / 128 * static_cast<double>(n) / 5000; }

// The first k of a seeded random permutation of [0, n).
std::vector<int64_t> random_rows(int64_t n, int64_t k, Generator& gen) {
  const std::vector<double> keys = to_vector<double>(rand({n}, DType::f64, &gen));
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](int64_t a, int64_t b) { return keys[a] < keys[b] || (keys[a] == keys[b] && a < b); });
  order.resize(k);
  return order;
}

// Euclidean distances [N, L] (row-major, on the CPU) of every row of x to the landmark rows.
std::vector<double> distance_table(const Tensor& x, const std::vector<int64_t>& rows) {
  NoGradGuard no_grad;
  const Tensor idx = to(tensor(rows, {static_cast<int64_t>(rows.size())}), x.device());
  const Tensor l = index_select(x, 0, idx);
  const Tensor d2 = sum(x * x, {1}, true) + t(sum(l * l, {1}, true)) - 2.0 * matmul(x, t(l));
  return to_vector<double>(to(sqrt(clamp(d2, 0.0, std::numeric_limits<double>::max())), Device::cpu()));
}

void check_samples(const Tensor& samples, int64_t landmarks, const char* op) {
  if (samples.dim() < 2 || samples.size(0) < landmarks || landmarks < 3)
    throw std::invalid_argument(std::string(op) + ": expected samples [N, ...] with N >= landmarks >= 3, got " +
                                describe(samples) + " and " + std::to_string(landmarks) + " landmarks");
}

}  // namespace

std::vector<double> relative_living_times(const std::vector<Interval>& intervals, double alpha_max, int64_t i_max) {
  if (!(alpha_max > 0) || i_max < 1)
    throw std::invalid_argument("relative_living_times: expected alpha_max > 0 and i_max >= 1, got " +
                                std::to_string(alpha_max) + " and " + std::to_string(i_max));
  // beta_1 is constant between consecutive interval ends: sweep them.
  std::vector<double> cuts = {0.0, alpha_max};
  for (const Interval& iv : intervals)
    for (double v : {iv.birth, iv.death})
      if (v > 0 && v < alpha_max) cuts.push_back(v);
  std::sort(cuts.begin(), cuts.end());
  std::vector<double> rlt(i_max, 0.0);
  for (size_t k = 0; k + 1 < cuts.size(); ++k) {
    const double a = cuts[k], b = cuts[k + 1], mid = (a + b) / 2;
    if (b <= a) continue;
    int64_t alive = 0;
    for (const Interval& iv : intervals) alive += iv.birth <= mid && mid < iv.death;
    if (alive < i_max) rlt[alive] += (b - a) / alpha_max;
  }
  return rlt;
}

WitnessPersistence witness_persistence(const Tensor& samples, const std::vector<int64_t>& landmark_rows, double gamma) {
  check_samples(samples, static_cast<int64_t>(landmark_rows.size()), "witness_persistence");
  const int64_t n = samples.size(0), l = static_cast<int64_t>(landmark_rows.size());
  const std::vector<double> d = distance_table(flat64(samples), landmark_rows);
  WitnessPersistence out;
  out.alpha_max = gamma * *std::max_element(d.begin(), d.end());
  out.intervals = persistence_h1(witness_complex(d, n, l, out.alpha_max));
  return out;
}

std::vector<double> mean_relative_living_times(const Tensor& samples, const GeometryScoreOptions& o) {
  check_samples(samples, o.landmarks, "geometry_score");
  if (o.repeats < 1 || o.i_max < 1)
    throw std::invalid_argument("geometry_score: expected repeats >= 1 and i_max >= 1, got " +
                                std::to_string(o.repeats) + " and " + std::to_string(o.i_max));
  const int64_t n = samples.size(0);
  const double gamma = o.gamma > 0 ? o.gamma : default_gamma(n);
  const Tensor x = flat64(samples);
  Generator gen(o.seed);
  std::vector<double> mrlt(o.i_max, 0.0);
  for (int64_t r = 0; r < o.repeats; ++r) {
    const std::vector<int64_t> rows = random_rows(n, o.landmarks, gen);
    const std::vector<double> d = distance_table(x, rows);
    const double alpha_max = gamma * *std::max_element(d.begin(), d.end());
    if (!(alpha_max > 0)) {  // every sample alike: no holes, ever
      mrlt[0] += 1.0 / o.repeats;
      continue;
    }
    const std::vector<double> rlt =
        relative_living_times(persistence_h1(witness_complex(d, n, o.landmarks, alpha_max)), alpha_max, o.i_max);
    for (int64_t i = 0; i < o.i_max; ++i) mrlt[i] += rlt[i] / o.repeats;
  }
  return mrlt;
}

double geometry_score(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size())
    throw std::invalid_argument("geometry_score: MRLTs of lengths " + std::to_string(a.size()) + " and " +
                                std::to_string(b.size()));
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}

double geometry_score(const Tensor& samples_a, const Tensor& samples_b, const GeometryScoreOptions& options) {
  return geometry_score(mean_relative_living_times(samples_a, options), mean_relative_living_times(samples_b, options));
}

void plot_mrlt(const std::string& path, const std::vector<MrltSeries>& series, const std::string& title) {
  int64_t count = 5;
  for (const MrltSeries& s : series)
    for (int64_t i = 0; i < static_cast<int64_t>(s.mrlt.size()); ++i)
      if (s.mrlt[i] > 1e-3) count = std::max(count, i + 1);
  // The plot draws the axes and legend (series without points; the frame,
  // x in [-0.5, count - 0.5] and y in [0, 1], from dots on the axes), then the bars.
  const double width = 0.8 / std::max<size_t>(series.size(), 1);
  std::vector<io::Series> points;
  for (const MrltSeries& s : series) points.push_back({s.name, {}, {}});
  if (points.empty()) points.push_back({"", {}, {}});
  points[0].xs = {-0.5, std::nan(""), count - 0.5, std::nan(""), -0.5};
  points[0].ys = {0.0, std::nan(""), 0.0, std::nan(""), 1.0};
  const io::PlotOptions options{.width = 800, .height = 450, .x_label = "i (number of 1-d holes)"};
  io::Canvas c = io::render_plot(points, title, options);
  const io::PlotFrame f = io::plot_frame(points, title, options);
  for (size_t k = 0; k < series.size(); ++k)
    for (int64_t i = 0; i < count && i < static_cast<int64_t>(series[k].mrlt.size()); ++i) {
      const double x0 = i - 0.4 + k * width, v = series[k].mrlt[i];
      if (v <= 0) continue;
      c.fill_rect(static_cast<int>(std::lround(f.px(x0))) + 1, static_cast<int>(std::lround(f.py(v))),
                  static_cast<int>(std::lround(f.px(x0 + width))) - 1, static_cast<int>(std::lround(f.py(0))) - 1,
                  io::series_color(k));
    }
  io::write_png(path, c.to_tensor());
}

}  // namespace nabla::metrics
