// The FID/IS plot of a run (metrics::plot_fid_is, plots/fid.png).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "models/io/plot.h"
#include "models/metrics/score_plot.h"
#include "tests/models/io_testing.h"

namespace nabla::metrics {
namespace {

using ScorePlotTest = io::testing::TempDir;

bool colour_near(const io::Canvas& c, double x, double y, io::Rgb colour, int radius = 1) {
  for (int dy = -radius; dy <= radius; ++dy)
    for (int dx = -radius; dx <= radius; ++dx)
      if (c.at(static_cast<int>(std::lround(x)) + dx, static_cast<int>(std::lround(y)) + dy) == colour) return true;
  return false;
}

// Losses every step, FID and IS at steps 20, 40, 60 as a GAN run logs them.
io::Metrics run_log(bool with_is) {
  io::Metrics m;
  for (int64_t step = 10; step <= 60; step += 10) {
    io::MetricsRecord r{step, 0, {{"loss_d", 0.5}, {"loss_g", 2.0}}};
    if (step % 20 == 0) {
      r.values["fid"] = 400.0 / static_cast<double>(step);
      if (with_is) {
        r.values["is"] = 1.0 + static_cast<double>(step) / 20;
        r.values["is_std"] = 0.1;
      }
    }
    m.records.push_back(r);
  }
  return m;
}

TEST_F(ScorePlotTest, FidAboveIsBelowAtTheLoggedPoints) {
  const io::Metrics m = run_log(true);
  const std::optional<io::Canvas> c = render_fid_is(m, "FID");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->width(), kScorePanelWidth);
  EXPECT_EQ(c->height(), 2 * kScorePanelHeight);
  const io::PlotOptions o{kScorePanelWidth, kScorePanelHeight};
  // The FID panel: its points where render_plot puts them, in the top half.
  const io::PlotFrame fid = io::plot_frame(io::series_from_metrics(m, {"fid"}), "FID", o);
  for (int64_t step : {20, 40, 60})
    EXPECT_TRUE(colour_near(*c, fid.px(step), fid.py(400.0 / step), io::series_color(0))) << step;
  // The IS panel (mean, mean - std, mean + std), shifted down by one panel.
  std::vector<io::Series> is = io::series_from_metrics(m, {"is"});
  is.push_back({"is - std", {20, 40, 60}, {1.9, 2.9, 3.9}});
  is.push_back({"is + std", {20, 40, 60}, {2.1, 3.1, 4.1}});
  const io::PlotFrame f = io::plot_frame(is, "Inception Score", o);
  for (int64_t step : {20, 40, 60}) {
    const double mean = 1.0 + step / 20.0;
    EXPECT_TRUE(colour_near(*c, f.px(step), kScorePanelHeight + f.py(mean), io::series_color(0))) << step;
    EXPECT_TRUE(colour_near(*c, f.px(step), kScorePanelHeight + f.py(mean - 0.1), io::series_color(1))) << step;
    EXPECT_TRUE(colour_near(*c, f.px(step), kScorePanelHeight + f.py(mean + 0.1), io::series_color(2))) << step;
  }
}

TEST_F(ScorePlotTest, APanelPerScoreLoggedAndNoFileWithout) {
  const std::optional<io::Canvas> fid_only = render_fid_is(run_log(false), "FID");
  ASSERT_TRUE(fid_only.has_value());
  EXPECT_EQ(fid_only->height(), kScorePanelHeight);
  io::Metrics losses = run_log(false);
  for (io::MetricsRecord& r : losses.records) r.values.erase("fid");
  EXPECT_FALSE(render_fid_is(losses, "FID").has_value());
  EXPECT_FALSE(plot_fid_is(losses, path("fid.png"), "FID"));
  EXPECT_FALSE(std::filesystem::exists(path("fid.png")));
  EXPECT_TRUE(plot_fid_is(run_log(true), path("fid.png"), "FID"));
  EXPECT_GT(std::filesystem::file_size(path("fid.png")), 0u);
}

}  // namespace
}  // namespace nabla::metrics
