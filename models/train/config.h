#pragma once
// What `nabla train` was asked to do. Zero means "the model's default" for
// steps, batch and lr; the resolved values are what config.json records.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/device.h"
#include "models/io/json_field.h"

namespace nabla::train {

struct TrainConfig {
  std::string model;
  std::string data;        // an MNIST-format folder; empty: Debian's Fashion-MNIST
  int64_t steps = 0;       // total optimisation steps of the run
  int64_t epochs = 0;      // used when steps is 0: epochs * batches per epoch
  int64_t batch = 0;
  double lr = 0;
  Device device;
  uint64_t seed = 0;
  std::string out;         // run folder; empty: runs/<model>-<time>
  std::string resume;      // a checkpoint to continue from
  int64_t log_every = 10;  // metrics.jsonl and TensorBoard scalars
  int64_t sample_every = 0;      // sample grids; 0: ten per run
  int64_t checkpoint_every = 0;  // 0: with every sample grid
  bool progress = true;          // the progress line on stdout
  bool log_memory = false;       // metrics lines also get the process's memory (not saved)
  bool cuda_graph = false;       // capture the step once, replay it (graph_step.h; not saved: same numbers)
  std::string precision = "f32";   // f32 or bf16 (mixed precision: autograd/autocast.h); saved, kept on resume
  std::string loss_scale = "none";  // none, dynamic or a constant (loss_scale.h); saved, kept on resume
  // Model-specific settings (`nabla train gan --set loss=minimax`): names and
  // values as the model documents them; recorded in config.json and checkpoints.
  nlohmann::json options = nlohmann::json::object();

  // options[name] converted to T, or fallback when absent; a value of the
  // wrong kind throws std::invalid_argument naming the option.
  template <class T>
  T option(const std::string& name, const T& fallback) const;
  // Throws std::invalid_argument when options holds a name not in `known`.
  void check_options(const std::vector<std::string>& known) const;

  nlohmann::json to_json() const;
  static TrainConfig from_json(const nlohmann::json& j);
};

// Defaults a model gives for what the user left at zero.
struct TrainDefaults {
  int64_t steps = 1000;
  int64_t batch = 64;
  double lr = 2e-4;
};

template <class T>
T TrainConfig::option(const std::string& name, const T& fallback) const {
  if (!options.contains(name)) return fallback;
  if constexpr (std::integral<T> && !std::same_as<T, bool>)
    return io::as_integer<T>(options.at(name), model + ": option " + name);
  try {
    return options.at(name).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(model + ": option " + name + "=" + options.at(name).dump() + " has the wrong type");
  }
}

// "key=value" of --set: the value parsed as JSON when it is JSON (numbers,
// true/false), else kept as a string.
void set_option(TrainConfig& config, const std::string& assignment);

}  // namespace nabla::train
