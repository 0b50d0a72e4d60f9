#include "models/io/metrics_log.h"

#include <fcntl.h>
#include <unistd.h>

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

namespace nabla::io {

using json = nlohmann::json;

namespace {

// A run that crashed mid-write leaves a line without its newline; appending
// after it would glue two records together, so it is cut off first.
void drop_partial_last_line(const std::string& path, int fd) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  if (text.empty() || text.back() == '\n') return;
  const size_t keep = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  std::cerr << "MetricsLog: " << path << ": dropping a partial last line at byte " << keep << "\n";
  if (::ftruncate(fd, static_cast<off_t>(keep)) != 0)
    throw std::runtime_error(path + ": cannot truncate a partial last line: " + std::strerror(errno));
}

}  // namespace

MetricsLog::MetricsLog(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(path + ": cannot open for appending: " + std::strerror(errno));
  try {
    drop_partial_last_line(path, fd_);
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

namespace {

MetricsRecord parse_record(const std::string& line) {
  const json j = json::parse(line);
  if (!j.is_object() || !j.contains("step") || !j["step"].is_number_integer() || !j.contains("wall_time") ||
      !j["wall_time"].is_number())
    throw std::invalid_argument("not an object with an integer step and a numeric wall_time");
  MetricsRecord r;
  r.step = j["step"].get<int64_t>();
  r.wall_time = j["wall_time"].get<double>();
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

}  // namespace

Metrics read_metrics(const std::string& path) {
  const std::string text = read_text(path);
  Metrics out;
  size_t begin = 0, line_no = 0;
  while (begin < text.size()) {
    ++line_no;
    const size_t nl = text.find('\n', begin);
    const bool last = nl == std::string::npos || nl + 1 == text.size();
    const std::string line = text.substr(begin, nl == std::string::npos ? std::string::npos : nl - begin);
    try {
      if (!line.empty()) out.records.push_back(parse_record(line));
    } catch (const std::exception& e) {
      const std::string where = path + ": line " + std::to_string(line_no) + " at byte " + std::to_string(begin);
      if (!last) throw std::runtime_error(where + " is malformed (" + e.what() + ")");
      out.warning = where + ": skipped a partial last line (" + e.what() + "); the run probably stopped mid-write";
      std::cerr << "read_metrics: " << out.warning << "\n";
    }
    if (nl == std::string::npos) break;
    begin = nl + 1;
  }
  return out;
}

void truncate_metrics(const std::string& path, int64_t step) {
  if (!std::filesystem::exists(path)) return;
  const std::string text = read_text(path);
  std::string kept;
  for (size_t begin = 0; begin < text.size();) {
    const size_t nl = text.find('\n', begin);
    if (nl == std::string::npos) break;  // a partial last line
    const std::string line = text.substr(begin, nl - begin);
    begin = nl + 1;
    if (line.empty()) continue;
    try {
      if (parse_record(line).step <= step) kept += line + "\n";
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ": line at byte " + std::to_string(begin - line.size() - 1) +
                               " is malformed (" + e.what() + ")");
    }
  }
  write_file_atomic(path, kept);
}

}  // namespace nabla::io
