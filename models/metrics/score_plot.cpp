#include "models/metrics/score_plot.h"

#include <algorithm>
#include <vector>

#include "models/io/plot.h"
#include "models/io/png.h"

namespace nabla::metrics {

namespace {

bool logged(const io::Metrics& m, const std::string& name) {
  return std::any_of(m.records.begin(), m.records.end(),
                     [&](const io::MetricsRecord& r) { return r.values.contains(name); });
}

// IS and, when its std was logged, the band mean - std and mean + std.
std::vector<io::Series> is_series(const io::Metrics& m) {
  std::vector<io::Series> s = io::series_from_metrics(m, {"is"});
  if (!logged(m, "is_std")) return s;
  io::Series lo{"is - std", {}, {}}, hi{"is + std", {}, {}};
  for (const io::MetricsRecord& r : m.records) {
    const auto mean = r.values.find("is"), sd = r.values.find("is_std");
    if (mean == r.values.end() || sd == r.values.end()) continue;
    lo.xs.push_back(r.step);
    lo.ys.push_back(mean->second - sd->second);
    hi.xs.push_back(r.step);
    hi.ys.push_back(mean->second + sd->second);
  }
  s.push_back(lo);
  s.push_back(hi);
  return s;
}

}  // namespace

std::optional<io::Canvas> render_fid_is(const io::Metrics& metrics, const std::string& title) {
  std::vector<io::Canvas> panels;
  const io::PlotOptions o{kScorePanelWidth, kScorePanelHeight};
  if (logged(metrics, "fid")) panels.push_back(io::render_plot(io::series_from_metrics(metrics, {"fid"}), title, o));
  if (logged(metrics, "is"))
    panels.push_back(io::render_plot(is_series(metrics), panels.empty() ? title : "Inception Score", o));
  if (panels.empty()) return std::nullopt;
  io::Canvas out(kScorePanelWidth, kScorePanelHeight * static_cast<int>(panels.size()));
  for (size_t p = 0; p < panels.size(); ++p)
    for (int y = 0; y < kScorePanelHeight; ++y)
      for (int x = 0; x < kScorePanelWidth; ++x)
        out.set(x, static_cast<int>(p) * kScorePanelHeight + y, panels[p].at(x, y));
  return out;
}

bool plot_fid_is(const io::Metrics& metrics, const std::string& path, const std::string& title) {
  const std::optional<io::Canvas> canvas = render_fid_is(metrics, title);
  if (canvas) io::write_png(path, canvas->to_tensor());
  return canvas.has_value();
}

}  // namespace nabla::metrics
