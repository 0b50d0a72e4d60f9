#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "models/io/metrics_log.h"
#include "tests/models/io_testing.h"
#include "tests/testing.h"

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
  testing::write_file(p, "{\"step\": 1, \"wall_time\": 1}\nnot json\n{\"step\": 2, \"wall_time\": 1}\n");
  EXPECT_THROW(truncate_metrics(p, 5), std::runtime_error);
}

// read_metrics, truncate_metrics and MetricsLog follow one policy: a last
// line that does not parse (a run killed mid-write; NUL bytes a power loss
// left) is skipped with one warning, the same from all three. Before, the
// truncation dropped a torn line without a word and threw on a bad last line
// that ended in a newline, which reading skipped.
TEST_F(MetricsTest, ReadTruncateAndAppendAgreeOnATornLastLine) {
  const std::string p = path("metrics.jsonl");
  const std::string good = "{\"step\": 1, \"wall_time\": 1}\n{\"step\": 2, \"wall_time\": 1}\n";
  const std::string torn = R"({"step": 3, "wall)", bad = "garbage\n", zeros(3, '\0');
  for (const std::string& tail : {torn, bad, zeros}) {
    SCOPED_TRACE(::testing::PrintToString(tail));
    testing::write_file(p, good + tail);
    ::testing::internal::CaptureStderr();
    const Metrics m = read_metrics(p);
    const std::string read_says = ::testing::internal::GetCapturedStderr();
    ASSERT_EQ(m.records.size(), 2u);
    EXPECT_NE(m.warning.find(p + ": line 3 at byte 56: skipped a partial last line"), std::string::npos) << m.warning;
    EXPECT_NE(read_says.find(m.warning), std::string::npos) << read_says;
    ::testing::internal::CaptureStderr();
    EXPECT_NO_THROW(truncate_metrics(p, 100));
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), read_says);
    EXPECT_EQ(testing::read_file(p), good);
    testing::write_file(p, good + tail);
    ::testing::internal::CaptureStderr();
    MetricsLog(p).log(3, {});
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), read_says);
    EXPECT_EQ(read_metrics(p).records.size(), 3u);
  }
}

// A bad line before the last is an error for all three, naming the file, the
// line and its byte.
TEST_F(MetricsTest, BadMiddleLineIsAnErrorForReadTruncateAndAppend) {
  const std::string p = path("metrics.jsonl");
  testing::write_file(p, "{\"step\": 1, \"wall_time\": 1}\n{\"step\": 2.5, \"wall_time\": 1}\n"
                         "{\"step\": 3, \"wall_time\": 1}\n");
  const std::string where = p + ": line 2 at byte 28 is malformed";
  EXPECT_THROW_MESSAGE(read_metrics(p), std::runtime_error, where, "step must be an integer");
  EXPECT_THROW_MESSAGE(truncate_metrics(p, 5), std::runtime_error, where);
  EXPECT_THROW_MESSAGE(MetricsLog log(p), std::runtime_error, where);
  // A step past int64 was wrapped to a negative one.
  testing::write_file(p, "{\"step\": 9223372036854775808, \"wall_time\": 1}\n"
                         "{\"step\": 3, \"wall_time\": 1}\n");
  EXPECT_THROW_MESSAGE(read_metrics(p), std::runtime_error, p + ": line 1 at byte 0", "within int64");
}

// A whole last line that lost only its newline is a record: kept by reading
// and truncating (which restores the newline), and appended after.
TEST_F(MetricsTest, WholeLastLineWithoutItsNewlineIsKept) {
  const std::string p = path("metrics.jsonl");
  const std::string text = "{\"step\": 1, \"wall_time\": 1}\n{\"step\": 2, \"wall_time\": 1}";
  testing::write_file(p, text);
  EXPECT_EQ(read_metrics(p).records.size(), 2u);
  truncate_metrics(p, 5);
  EXPECT_EQ(testing::read_file(p), text + "\n");
  testing::write_file(p, text);
  MetricsLog(p).log(3, {});
  const Metrics m = read_metrics(p);
  ASSERT_EQ(m.records.size(), 3u);
  EXPECT_EQ(m.records[1].step, 2);
  EXPECT_EQ(m.records[2].step, 3);
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
