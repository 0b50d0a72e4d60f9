#pragma once
// Putting the parts of a trainer into a TrainerState and taking them back
// out, each under a prefix ("G" gives tensors "G.0.weight", ...; values go
// under values["G"]).
#include <string>

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

}  // namespace nabla::train
