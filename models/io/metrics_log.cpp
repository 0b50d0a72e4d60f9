#include "models/io/metrics_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"
#include "models/io/json_field.h"

namespace nabla::io {

using json = nlohmann::json;

namespace {

MetricsRecord parse_record(const std::string& line) {
  const json j = json::parse(line);
  MetricsRecord r;
  r.step = integer_field<int64_t>(j, "step");
  r.wall_time = as_number(field(j, "wall_time"), "wall_time");
  for (const auto& [name, v] : j.items()) {
    if (name == "step" || name == "wall_time") continue;
    if (v.is_null()) r.values[name] = std::nan("");
    else if (v.is_number()) r.values[name] = v.get<double>();
    else throw std::invalid_argument("value of '" + name + "' is not a number or null");
  }
  return r;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The one reading of a metrics.jsonl, shared by read_metrics,
// truncate_metrics and MetricsLog. Lines are split at '\n', empty ones
// skipped. Each line is written by one write(), so a run killed mid-write
// leaves a prefix of its last line: a last line that does not parse is torn,
// skipped with `warning`. Any other line that does not parse is an error
// naming the file, the line and its byte.
struct Scan {
  struct Line {
    size_t begin = 0;  // its byte offset
    std::string text;  // without the newline
    MetricsRecord record;
  };
  std::vector<Line> lines;
  size_t torn = std::string::npos;  // the byte offset of a torn last line
  std::string warning;
};

Scan scan(const std::string& path, const std::string& text) {
  Scan out;
  size_t line_no = 0;
  for (size_t begin = 0; begin < text.size();) {
    ++line_no;
    const size_t nl = std::min(text.find('\n', begin), text.size());
    const std::string line = text.substr(begin, nl - begin);
    try {
      if (!line.empty()) out.lines.push_back({begin, line, parse_record(line)});
    } catch (const std::exception& e) {
      const std::string where = path + ": line " + std::to_string(line_no) + " at byte " + std::to_string(begin);
      if (nl + 1 < text.size()) throw std::runtime_error(where + " is malformed (" + e.what() + ")");
      out.torn = begin;
      out.warning = where + ": skipped a partial last line (" + e.what() + "); the run probably stopped mid-write";
      std::cerr << "warning: " << out.warning << "\n";
    }
    begin = nl + 1;
  }
  return out;
}

// Appending after a torn last line would glue two records together: it is cut
// off first (with scan's warning); a whole last line that lost only its
// newline gets it back.
void repair_last_line(const std::string& path, int fd) {
  const std::string text = read_text(path);
  const Scan found = scan(path, text);
  if (found.torn != std::string::npos) {
    if (::ftruncate(fd, static_cast<off_t>(found.torn)) != 0)
      throw std::runtime_error(path + ": cannot truncate a partial last line: " + std::strerror(errno));
  } else if (!text.empty() && text.back() != '\n' && ::write(fd, "\n", 1) != 1) {
    throw std::runtime_error(path + ": write failed: " + std::strerror(errno));
  }
}

}  // namespace

MetricsLog::MetricsLog(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(path + ": cannot open for appending: " + std::strerror(errno));
  try {
    repair_last_line(path, fd_);
  } catch (...) {
    ::close(fd_);
    throw;
  }
}

MetricsLog::~MetricsLog() {
  if (fd_ >= 0) ::close(fd_);
}

void MetricsLog::log(int64_t step, const std::map<std::string, double>& scalars) {
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  json line = {{"step", step}, {"wall_time", now}};
  for (const auto& [name, value] : scalars) {
    if (name == "step" || name == "wall_time")
      throw std::invalid_argument("MetricsLog::log: '" + name + "' is a reserved name");
    line[name] = std::isfinite(value) ? json(value) : json(nullptr);
  }
  const std::string text = line.dump() + "\n";
  // O_APPEND: each line lands whole at the end, or (on a crash) partly.
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(path_ + ": write failed: " + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
}

Metrics read_metrics(const std::string& path) {
  Scan found = scan(path, read_text(path));
  Metrics out;
  for (Scan::Line& line : found.lines) out.records.push_back(std::move(line.record));
  out.warning = std::move(found.warning);
  return out;
}

void truncate_metrics(const std::string& path, int64_t step) {
  if (!std::filesystem::exists(path)) return;
  std::string kept;
  for (const Scan::Line& line : scan(path, read_text(path)).lines)
    if (line.record.step <= step) kept += line.text + "\n";
  write_file_atomic(path, kept);
}

}  // namespace nabla::io
