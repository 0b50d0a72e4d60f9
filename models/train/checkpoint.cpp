#include "models/train/checkpoint.h"

#include <cstdint>
#include <stdexcept>

namespace nabla::train {

namespace {
constexpr const char* kFormat = "nabla-checkpoint";
constexpr int kVersion = 1;
}  // namespace

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
  nlohmann::json meta = {{"format", kFormat},
                         {"version", kVersion},
                         {"model", checkpoint.config.model},
                         {"step", checkpoint.step},
                         {"config", checkpoint.config.to_json()},
                         {"values", checkpoint.state.values}};
  save_safetensors(path, checkpoint.state.tensors, {{"nabla", meta.dump()}});
}

Checkpoint load_checkpoint(const std::string& path) {
  Safetensors file = load_safetensors(path);
  auto it = file.metadata.find("nabla");
  if (it == file.metadata.end())
    throw std::runtime_error(path + ": not a nabla checkpoint (no \"nabla\" entry in __metadata__)");
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(it->second);
    if (meta.at("format") != kFormat) throw std::runtime_error("format is not " + std::string(kFormat));
    if (meta.at("version") != kVersion)
      throw std::runtime_error("version " + meta.at("version").dump() + ", this nabla reads " +
                               std::to_string(kVersion));
    Checkpoint c;
    const nlohmann::json& step = meta.at("step");
    // A double (4e52) or an unsigned past int64 would be cast, not refused.
    if (!step.is_number_integer() || (step.is_number_unsigned() && step.get<uint64_t>() > uint64_t{INT64_MAX}))
      throw std::runtime_error("step " + step.dump() + " is not an integer within int64");
    c.step = step.get<int64_t>();
    c.config = TrainConfig::from_json(meta.at("config"));
    c.state.values = meta.at("values");
    c.state.tensors = std::move(file.tensors);
    return c;
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": bad nabla checkpoint metadata: " + e.what());
  }
}

}  // namespace nabla::train
