#pragma once
// metrics.jsonl: one JSON object per line,
//   {"step": 100, "wall_time": 1700000000.25, "loss": 0.31, "acc": 0.9}
// appended with one write() per line, so a crash can only leave a partial last
// line. One policy everywhere (read_metrics, truncate_metrics, MetricsLog): a
// last line that does not parse is torn, skipped with a warning on stderr
// ("F: line L at byte B: skipped a partial last line ..."); any other line
// that does not parse throws std::runtime_error naming the file, the line and
// its byte.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nabla::io {

class MetricsLog {
 public:
  // Appends to `path` (created if missing), first cutting off a torn last
  // line a crash left (or giving a whole last line its lost newline); throws
  // std::runtime_error if it cannot, or if a line before the last is
  // malformed.
  explicit MetricsLog(const std::string& path);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  // One line; non-finite values are written as null. "step" and "wall_time"
  // are reserved names.
  void log(int64_t step, const std::map<std::string, double>& scalars);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

struct MetricsRecord {
  int64_t step = 0;
  double wall_time = 0;  // seconds since the Unix epoch
  std::map<std::string, double> values;  // null read back as NaN
};

struct Metrics {
  std::vector<MetricsRecord> records;
  std::string warning;  // non-empty when a partial last line was skipped
};

// Reads a metrics.jsonl; a malformed line other than the last throws
// std::runtime_error naming the file, the line and its byte offset. A torn
// last line is skipped with a warning (returned and printed to stderr).
Metrics read_metrics(const std::string& path);

// For a resumed run: rewrites `path` atomically keeping only the lines with
// step <= `step` (dropping a torn last line with the same warning), so the
// log does not hold two histories. Call it before opening a MetricsLog on the
// file (an open log would keep appending to the replaced file). A missing file is left missing.
void truncate_metrics(const std::string& path, int64_t step);

}  // namespace nabla::io
