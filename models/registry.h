#pragma once
// Every model `nabla train` knows, by name, with its defaults and a one-line
// summary for `nabla models`.
#include <string>
#include <vector>

#include "models/train/loop.h"

namespace nabla {

struct ModelEntry {
  std::string name;
  std::string summary;
  train::TrainDefaults defaults;
  train::TrainerFactory make;
};

const std::vector<ModelEntry>& model_registry();
// Throws std::invalid_argument listing the known names.
const ModelEntry& find_model(const std::string& name);
// The model `nabla train` and tools/run use when none is named.
inline constexpr const char* kDefaultModel = "dcgan";

// train::run_training over this registry.
train::RunResult train_model(const train::TrainConfig& config, std::ostream& out);

}  // namespace nabla
