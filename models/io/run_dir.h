#pragma once
// A training run's output folder:
//   runs/<model>-<YYYYmmdd-HHMMSS>[-n]/   (or the folder given by --out)
//     config.json  samples/  plots/  checkpoints/  metrics.jsonl  events.out.tfevents.*
#include <nlohmann/json.hpp>
#include <string>

namespace nabla::io {

class RunDir {
 public:
  // With `out` non-empty, uses (and creates) that folder; otherwise a new
  // <root>/<model>-<local time> folder, suffixed -1, -2, ... if taken.
  explicit RunDir(const std::string& model, const std::string& out = "", const std::string& root = "runs");

  const std::string& path() const { return path_; }
  std::string samples_dir() const { return path_ + "/samples"; }
  std::string plots_dir() const { return path_ + "/plots"; }
  std::string checkpoints_dir() const { return path_ + "/checkpoints"; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string metrics_path() const { return file("metrics.jsonl"); }
  // samples/<prefix>-<step, 6 digits>.png and the like.
  std::string sample_path(const std::string& prefix, long step) const;
  std::string checkpoint_path(long step) const;  // checkpoints/step-<step, 8 digits>.safetensors

  // config.json, pretty-printed, written atomically.
  void write_config(const nlohmann::json& config) const;

 private:
  std::string path_;
};

}  // namespace nabla::io
