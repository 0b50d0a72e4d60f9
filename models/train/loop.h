#pragma once
// The training loop every model shares: the run folder (config.json,
// metrics.jsonl, TensorBoard events, sample grids, checkpoints, the loss
// plot), the progress line, and resuming from a checkpoint.
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>

#include "models/train/config.h"
#include "models/train/trainer.h"

namespace nabla::train {

using TrainerFactory = std::function<std::unique_ptr<Trainer>(const TrainConfig&)>;

// How to build a model by name, with its defaults.
struct ModelSpec {
  TrainDefaults defaults;
  TrainerFactory make;
};
using ModelLookup = std::function<ModelSpec(const std::string& name)>;

struct RunResult {
  std::string run_dir;
  std::string checkpoint;  // the last one written
  std::string samples;     // the last sample grid
  std::string loss_plot;
  int64_t steps = 0;       // the step the run ended at
  std::map<std::string, double> losses;  // of the last step
  std::map<std::string, double> scores;  // the last Trainer::scores() logged
};

// Fills what config leaves at zero from defaults (steps from epochs when
// given) and checks the rest; throws std::invalid_argument naming the option.
TrainConfig resolve(TrainConfig config, const TrainDefaults& defaults);

// Trains config.model from step 0, or from config.resume: then the
// checkpoint's config is used (its run folder too, unless config.out is set)
// with config.steps, when non-zero, as the new total; config.model, when set,
// must name the checkpoint's model. Progress and the paths written go to `out`.
RunResult run_training(const TrainConfig& config, const ModelLookup& lookup, std::ostream& out);

// The fixed noise stream of a run's sample grids (the same z at every grid).
Generator sample_generator(uint64_t seed);

}  // namespace nabla::train
