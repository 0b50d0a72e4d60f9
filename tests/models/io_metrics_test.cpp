#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "models/io/metrics_log.h"
#include "tests/models/io_testing.h"

namespace nabla::io {
namespace {

using MetricsTest = testing::TempDir;

double now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

TEST_F(MetricsTest, WritesOneFlushedLinePerCall) {
  const std::string p = path("metrics.jsonl");
  const double t0 = now();
  MetricsLog log(p);
  log.log(1, {{"loss", 2.5}, {"acc", 0.25}});
  const std::string first = testing::read_file(p);
  EXPECT_EQ(std::count(first.begin(), first.end(), '\n'), 1);  // written already, not buffered
  log.log(2, {{"loss", NAN}});
  const Metrics m = read_metrics(p);
  EXPECT_TRUE(m.warning.empty());
  ASSERT_EQ(m.records.size(), 2u);
  EXPECT_EQ(m.records[0].step, 1);
  EXPECT_EQ(m.records[0].values.at("loss"), 2.5);
  EXPECT_EQ(m.records[0].values.at("acc"), 0.25);
  EXPECT_GE(m.records[0].wall_time, t0 - 1);
  EXPECT_LE(m.records[0].wall_time, now() + 1);
  EXPECT_TRUE(std::isnan(m.records[1].values.at("loss")));  // written as null
  EXPECT_THROW(log.log(3, {{"step", 1}}), std::invalid_argument);
}

TEST_F(MetricsTest, LinesAreJsonObjects) {
  const std::string p = path("metrics.jsonl");
  {
    MetricsLog log(p);
    log.log(7, {{"loss_d", 0.5}, {"loss_g", INFINITY}});
    log.log(8, {});
  }
  const std::string text = testing::read_file(p);
  ASSERT_EQ(text.back(), '\n');
  const size_t nl = text.find('\n');
  const auto first = nlohmann::json::parse(text.substr(0, nl));
  const auto second = nlohmann::json::parse(text.substr(nl + 1));
  EXPECT_EQ(first.size(), 4u) << first;
  EXPECT_EQ(first["step"], 7);
  EXPECT_TRUE(first["wall_time"].is_number_float());
  EXPECT_EQ(first["loss_d"], 0.5);
  EXPECT_TRUE(first["loss_g"].is_null());  // JSON has no infinity
  EXPECT_EQ(second.size(), 2u) << second;
  EXPECT_EQ(second["step"], 8);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

TEST_F(MetricsTest, AppendsAcrossReopen) {
  const std::string p = path("metrics.jsonl");
  MetricsLog(p).log(1, {{"loss", 1}});
  MetricsLog(p).log(2, {{"loss", 0.5}});
  const Metrics m = read_metrics(p);
  ASSERT_EQ(m.records.size(), 2u);
  EXPECT_EQ(m.records[1].step, 2);
}

TEST_F(MetricsTest, PartialLastLineIsSkippedWithAWarning) {
  const std::string p = path("metrics.jsonl");
  MetricsLog(p).log(1, {{"loss", 1}});
  std::ofstream(p, std::ios::app) << R"({"step": 2, "wall_time": 17000)";
  const Metrics m = read_metrics(p);
  ASSERT_EQ(m.records.size(), 1u);
  EXPECT_NE(m.warning.find("partial last line"), std::string::npos) << m.warning;
  EXPECT_NE(m.warning.find("line 2"), std::string::npos) << m.warning;
  // Reopening cuts the partial line off, so new lines stay whole.
  MetricsLog(p).log(3, {{"loss", 0.1}});
  const Metrics again = read_metrics(p);
  EXPECT_TRUE(again.warning.empty()) << again.warning;
  ASSERT_EQ(again.records.size(), 2u);
  EXPECT_EQ(again.records[1].step, 3);
}

TEST_F(MetricsTest, TruncateForAResumedRun) {
  const std::string p = path("metrics.jsonl");
  {
    MetricsLog log(p);
    for (int step = 10; step <= 50; step += 10) log.log(step, {{"loss", step * 0.1}});
  }
  std::ofstream(p, std::ios::app) << R"({"step": 60, "wall)";  // a crash mid-line
  truncate_metrics(p, 30);
  MetricsLog(p).log(40, {{"loss", -1}});
  const Metrics m = read_metrics(p);
  EXPECT_TRUE(m.warning.empty()) << m.warning;
  ASSERT_EQ(m.records.size(), 4u);
  EXPECT_EQ(m.records[2].step, 30);
  EXPECT_EQ(m.records[2].values.at("loss"), 3.0);
  EXPECT_EQ(m.records[3].step, 40);
  EXPECT_EQ(m.records[3].values.at("loss"), -1);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);  // no temp left behind
  EXPECT_NO_THROW(truncate_metrics(path("missing.jsonl"), 0));
  EXPECT_FALSE(std::filesystem::exists(path("missing.jsonl")));
  testing::write_file(p, "{\"step\": 1, \"wall_time\": 1}\nnot json\n");
  EXPECT_THROW(truncate_metrics(p, 5), std::runtime_error);
}

TEST_F(MetricsTest, MalformedMiddleLineThrows) {
  const std::string p = path("metrics.jsonl");
  std::ofstream(p) << "{\"step\": 1, \"wall_time\": 1}\nnot json\n{\"step\": 3, \"wall_time\": 1}\n";
  try {
    read_metrics(p);
    FAIL() << "accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(p + ": line 2 at byte 28"), std::string::npos) << e.what();
  }
  std::ofstream(p) << "{\"step\": \"x\", \"wall_time\": 1}\n{}\n";
  EXPECT_THROW(read_metrics(p), std::runtime_error);
  EXPECT_THROW(read_metrics(path("missing.jsonl")), std::runtime_error);
  EXPECT_THROW(MetricsLog(path("no/dir/metrics.jsonl")), std::runtime_error);
}

}  // namespace
}  // namespace nabla::io
