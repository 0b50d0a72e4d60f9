#include <png.h>

#include <cmath>
#include <filesystem>

#include "core/factory.h"
#include "models/io/font.h"
#include "models/io/plot.h"
#include "tests/models/io_testing.h"

namespace nabla::io {
namespace {

using PlotTest = testing::TempDir;

// Whether a pixel within `radius` of (x, y) has colour c.
bool colour_near(const Canvas& canvas, double x, double y, Rgb c, int radius = 1) {
  for (int dy = -radius; dy <= radius; ++dy)
    for (int dx = -radius; dx <= radius; ++dx)
      if (canvas.at(static_cast<int>(std::lround(x)) + dx, static_cast<int>(std::lround(y)) + dy) == c) return true;
  return false;
}

int count_colour(const Canvas& canvas, Rgb c) {
  int n = 0;
  for (int y = 0; y < canvas.height(); ++y)
    for (int x = 0; x < canvas.width(); ++x) n += canvas.at(x, y) == c;
  return n;
}

TEST_F(PlotTest, WritesThePngOfTheRenderedCanvas) {
  const std::string p = path("loss.png");
  const std::vector<Series> s = {{"train", {0, 1, 2, 3}, {2.0, 1.2, 0.8, 0.7}}};
  plot_lines(p, s, "Loss", {640, 360});
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_file(&image, p.c_str())) << image.message;
  EXPECT_EQ(image.width, 640u);
  EXPECT_EQ(image.height, 360u);
  image.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> pixels(PNG_IMAGE_SIZE(image));
  ASSERT_TRUE(png_image_finish_read(&image, nullptr, pixels.data(), 0, nullptr)) << image.message;
  EXPECT_EQ(pixels, to_vector<uint8_t>(render_plot(s, "Loss", {640, 360}).to_tensor()));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);  // no temp left behind
}

TEST_F(PlotTest, LossCurvesFromAMetricsLog) {
  const std::string p = path("metrics.jsonl");
  {
    MetricsLog log(p);
    for (int step = 1; step <= 4; ++step) {
      std::map<std::string, double> v = {{"loss_d", 1.0 / step}, {"loss_g", step}};
      if (step % 2 == 0) v["fid"] = 100.0 / step;
      log.log(step, v);
    }
  }
  const std::vector<Series> all = series_from_metrics(read_metrics(p));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].name, "fid");  // sorted
  EXPECT_EQ(all[0].xs, (std::vector<double>{2, 4}));  // only the records that have it
  EXPECT_EQ(all[0].ys, (std::vector<double>{50, 25}));
  EXPECT_EQ(all[2].name, "loss_g");
  EXPECT_EQ(all[2].xs, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(all[2].ys, (std::vector<double>{1, 2, 3, 4}));
  const std::vector<Series> two = series_from_metrics(read_metrics(p), {"loss_g", "loss_d"});
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].name, "loss_g");
  EXPECT_EQ(two[1].ys, (std::vector<double>{1, 0.5, 1.0 / 3, 0.25}));
  const Canvas c = render_plot(two, "GAN losses");
  const PlotFrame f = plot_frame(two, "GAN losses");
  EXPECT_TRUE(colour_near(c, f.px(2.5), f.py(2.5), series_color(0)));
  EXPECT_TRUE(colour_near(c, f.px(1.5), f.py(0.75), series_color(1)));
}

TEST_F(PlotTest, StraightLinePassesThroughMappedPoints) {
  const std::vector<Series> s = {{"loss", {0, 10}, {0, 10}}, {"other", {0, 10}, {10, 10}}};
  const Canvas c = render_plot(s, "Title");
  const PlotFrame f = plot_frame(s, "Title");
  EXPECT_EQ(c.width(), 800);
  EXPECT_EQ(c.height(), 500);
  EXPECT_EQ(c.at(0, 0), (Rgb{255, 255, 255}));  // white background
  for (double t : {2.5, 5.0, 7.5}) EXPECT_TRUE(colour_near(c, f.px(t), f.py(t), series_color(0))) << "at " << t;
  EXPECT_TRUE(colour_near(c, f.px(5), f.py(10), series_color(1)));
  EXPECT_FALSE(colour_near(c, f.px(5), f.py(2), series_color(0), 3));  // nothing far off the line
  EXPECT_NE(series_color(0), series_color(1));
  // The data fill the x range; y has a margin.
  EXPECT_EQ(f.x_min, 0);
  EXPECT_EQ(f.x_max, 10);
  EXPECT_LT(f.y_min, 0);
  EXPECT_GT(f.y_max, 10);
  // The axes are drawn in black.
  EXPECT_EQ(c.at(f.left, (f.top + f.bottom) / 2), (Rgb{0, 0, 0}));
  EXPECT_EQ(c.at((f.left + f.right) / 2, f.bottom), (Rgb{0, 0, 0}));
}

TEST_F(PlotTest, NonFiniteAndConstantSeriesAreDrawable) {
  const std::vector<Series> s = {{"flat", {0, 1, 2, 3}, {1, 1, NAN, 1}}, {"inf", {0, 1}, {INFINITY, 1}}};
  const Canvas c = render_plot(s, "");
  const PlotFrame f = plot_frame(s, "");
  EXPECT_LT(f.y_min, 1);
  EXPECT_GT(f.y_max, 1);
  EXPECT_TRUE(colour_near(c, f.px(0.5), f.py(1), series_color(0)));
  EXPECT_FALSE(colour_near(c, f.px(2), f.py(1), series_color(0), 0));  // the NaN leaves a gap
  EXPECT_NO_THROW(render_plot({}, "empty"));
  EXPECT_THROW(render_plot({{"bad", {0, 1}, {0}}}, ""), std::invalid_argument);
  EXPECT_THROW(render_plot(s, "", {30, 30}), std::invalid_argument);
}

TEST(Canvas, TextUsesTheFont) {
  Canvas c(20, 10);
  c.text(1, 1, "1", Rgb{0, 0, 0});
  // '1' row 0 is "..#..": only column 2 is inked.
  EXPECT_EQ(c.at(1 + 2, 1), (Rgb{0, 0, 0}));
  EXPECT_EQ(c.at(1 + 1, 1), (Rgb{255, 255, 255}));
  int ink = 0;
  for (int y = 0; y < kGlyphHeight; ++y)
    for (int x = 0; x < kGlyphWidth; ++x) ink += glyph_pixel('8', x, y);
  EXPECT_EQ(ink, 17);
  EXPECT_EQ(Canvas::text_width("ab", 2), 22);
  EXPECT_EQ(count_colour(c, Rgb{0, 0, 0}), 10);  // '1' has 10 inked pixels
  Canvas d(10, 10);
  d.line(-1e12, 5, 1e12, 5, Rgb{1, 2, 3});  // far-off ends are clipped, not walked
  EXPECT_EQ(count_colour(d, Rgb{1, 2, 3}), 10);
}

}  // namespace
}  // namespace nabla::io
