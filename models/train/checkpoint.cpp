#include "models/train/checkpoint.h"

#include <cstdint>
#include <stdexcept>

#include "models/io/json_field.h"

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
    if (io::field(meta, "format") != kFormat) throw std::runtime_error("format is not " + std::string(kFormat));
    if (io::field(meta, "version") != kVersion)
      throw std::runtime_error("version " + meta.at("version").dump() + ", this nabla reads " +
                               std::to_string(kVersion));
    Checkpoint c;
    c.step = io::integer_field<int64_t>(meta, "step", "", 0);
    c.config = TrainConfig::from_json(io::field(meta, "config"));
    c.state.values = io::field(meta, "values");
    if (!c.state.values.is_object()) io::throw_bad_value("values", "a JSON object", c.state.values);
    c.state.tensors = std::move(file.tensors);
    c.path = path;
    return c;
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": bad nabla checkpoint metadata: " + e.what());
  }
}

void restore(Trainer& trainer, const Checkpoint& checkpoint) {
  try {
    trainer.load(checkpoint.state);
  } catch (const std::exception& e) {
    throw std::runtime_error(checkpoint.path + ": bad trainer state: " + e.what());
  }
}

}  // namespace nabla::train
