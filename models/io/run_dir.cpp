#include "models/io/run_dir.h"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>

#include "core/atomic_file.h"

namespace nabla::io {

namespace fs = std::filesystem;

namespace {

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
  return buf;
}

void make_dirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw std::runtime_error(path + ": cannot create directory: " + ec.message());
}

}  // namespace

RunDir::RunDir(const std::string& model, const std::string& out, const std::string& root) {
  if (!out.empty()) {
    path_ = out;
    make_dirs(path_);
  } else {
    if (model.empty() || model.find('/') != std::string::npos)
      throw std::invalid_argument("RunDir: model name '" + model + "' must be non-empty and contain no '/'");
    make_dirs(root);
    const std::string base = (fs::path(root) / (model + "-" + timestamp())).string();
    // create_directory is atomic: two runs started in one second get distinct folders.
    for (int n = 0;; ++n) {
      path_ = n == 0 ? base : base + "-" + std::to_string(n);
      std::error_code ec;
      if (fs::create_directory(path_, ec)) break;
      if (ec || n > 1000) throw std::runtime_error(path_ + ": cannot create directory: " + ec.message());
    }
  }
  for (const std::string& d : {samples_dir(), plots_dir(), checkpoints_dir()}) make_dirs(d);
}

std::string RunDir::sample_path(const std::string& prefix, long step) const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "-%06ld.png", step);
  return samples_dir() + "/" + prefix + buf;
}

std::string RunDir::checkpoint_path(long step) const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "/step-%08ld.safetensors", step);
  return checkpoints_dir() + buf;
}

void RunDir::write_config(const nlohmann::json& config) const {
  write_file_atomic(file("config.json"), config.dump(2) + "\n");
}

}  // namespace nabla::io
