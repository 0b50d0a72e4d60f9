#pragma once
// Line plots (loss curves) rendered to PNG with the built-in 5x7 font: white
// background, axes with tick labels, one colour per series, a legend.
#include <string>
#include <vector>

#include "models/io/canvas.h"
#include "models/io/metrics_log.h"

namespace nabla::io {

struct Series {
  std::string name;
  std::vector<double> xs, ys;  // same length; non-finite points are skipped
};

struct PlotOptions {
  int width = 800, height = 500;
  std::string x_label = "step";
};

// Where data lands on the canvas: the data ranges and the plot area's pixel box.
struct PlotFrame {
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  int left = 0, top = 0, right = 0, bottom = 0;  // inclusive pixel bounds of the plot area
  double px(double x) const { return left + (x - x_min) / (x_max - x_min) * (right - left); }
  double py(double y) const { return bottom - (y - y_min) / (y_max - y_min) * (bottom - top); }
};

// The colour of series i (matplotlib's tab10 palette, cycled).
Rgb series_color(size_t i);
PlotFrame plot_frame(const std::vector<Series>& series, const std::string& title, const PlotOptions& options = {});
Canvas render_plot(const std::vector<Series>& series, const std::string& title, const PlotOptions& options = {});
// One series per metric name (x: step), in the order given; empty `names`
// means every name in the log, sorted. Records lacking a name are left out of
// its series (a metric logged every 1000 steps is still a line); a null value
// (NaN) leaves a gap.
std::vector<Series> series_from_metrics(const Metrics& metrics, const std::vector<std::string>& names = {});
// render_plot written as a PNG, atomically.
void plot_lines(const std::string& path, const std::vector<Series>& series, const std::string& title,
                const PlotOptions& options = {});

}  // namespace nabla::io
