#pragma once
// Putting the parts of a trainer into a TrainerState and taking them back
// out, each under a prefix ("G" gives tensors "G.0.weight", ...; values go
// under values["G"]). Every value is read through models/io/json_field.h:
// a wrong type, a fraction or an out-of-range integer throws
// std::invalid_argument naming the key (train::restore adds the file).
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/random.h"
#include "models/data/sampler.h"
#include "models/nn/module.h"
#include "models/nn/optim.h"
#include "models/train/trainer.h"

namespace nabla::train {

void put_module(TrainerState& s, const std::string& prefix, const nn::Module& m);
// Strict: every entry of m must be present with its shape and dtype.
void get_module(const TrainerState& s, const std::string& prefix, nn::Module& m);

void put_optimizer(TrainerState& s, const std::string& prefix, const nn::Optimizer& opt);
void get_optimizer(const TrainerState& s, const std::string& prefix, nn::Optimizer& opt);

void put_generator(TrainerState& s, const std::string& key, const Generator& gen);
void get_generator(const TrainerState& s, const std::string& key, Generator& gen);

void put_loader(TrainerState& s, const std::string& key, const data::LoaderState& state);
data::LoaderState get_loader(const TrainerState& s, const std::string& key);

// A step counter (values[key] = count). Reading one refuses anything but an
// integer in [0, INT64_MAX]; the second form gives `fallback` when it is
// missing (states written before the counter existed).
void put_count(TrainerState& s, const std::string& key, int64_t count);
int64_t get_count(const TrainerState& s, const std::string& key);
int64_t get_count(const TrainerState& s, const std::string& key, int64_t fallback);

// A trainer's networks and optimizers by name: module "G" is saved as
// tensors "G.*" and its parameters are named "G.0.weight", ...
struct Parts {
  std::vector<std::pair<std::string, nn::Module*>> modules;
  std::vector<std::pair<std::string, nn::Optimizer*>> optimizers;
};
void put_parts(TrainerState& s, const Parts& parts);
void get_parts(const TrainerState& s, const Parts& parts);
NamedTensors named_parameters(const Parts& parts);

// Where a trainer's data loader stands. A trainer builds its loader on the
// first step, so a checkpoint may be loaded before the loader exists: the
// position then waits here and bind() applies it.
class LoaderPosition {
 public:
  LoaderPosition() = default;
  LoaderPosition(const LoaderPosition&) = delete;  // bound to one trainer's loader
  LoaderPosition& operator=(const LoaderPosition&) = delete;

  // `loader` (a data::Loader or TensorLoader) must outlive this object.
  template <class L>
  void bind(L& loader) {
    state_ = [&loader] { return loader.state(); };
    restore_ = [&loader](const data::LoaderState& st) { loader.restore(st); };
    if (pending_) restore_(*pending_);
  }
  // The bound loader's state, else the one waiting, else nothing.
  void put(TrainerState& s, const std::string& key) const;
  // A state without `key` leaves the position alone.
  void get(const TrainerState& s, const std::string& key);

 private:
  std::function<data::LoaderState()> state_;
  std::function<void(const data::LoaderState&)> restore_;
  std::optional<data::LoaderState> pending_;
};

// A trainer's parts with the run state that goes beside them: the noise
// stream (values["noise"]), a step counter (values[steps_key]; 0 when a state
// lacks it) and the loader position (values["loader"]).
struct RunParts {
  Parts parts;
  std::string steps_key;
};
TrainerState put_run(const RunParts& run, const Generator& noise, int64_t steps, const LoaderPosition& loader);
// Returns the step counter.
int64_t get_run(const TrainerState& s, const RunParts& run, Generator& noise, LoaderPosition& loader);

}  // namespace nabla::train
