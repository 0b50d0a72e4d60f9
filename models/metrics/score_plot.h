#pragma once
// FID and IS over a training run, drawn from its metrics.jsonl.
#include <string>

#include <optional>

#include "models/io/canvas.h"
#include "models/io/metrics_log.h"

namespace nabla::metrics {

constexpr int kScorePanelWidth = 800, kScorePanelHeight = 300;

// Panels of kScorePanelWidth x kScorePanelHeight stacked over the steps: FID
// above, IS below (mean, and mean +- std when is_std was logged), a panel
// for each one logged; nothing when neither is. The FID panel is
// io::render_plot of series_from_metrics(metrics, {"fid"}) with this title.
std::optional<io::Canvas> render_fid_is(const io::Metrics& metrics, const std::string& title);
// render_fid_is written as a PNG when there is one; returns whether it wrote it.
bool plot_fid_is(const io::Metrics& metrics, const std::string& path, const std::string& title);

}  // namespace nabla::metrics
