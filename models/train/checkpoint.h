#pragma once
// Checkpoint files: one safetensors file holding the trainer's tensors, with
// the rest in its metadata under "nabla" as JSON:
//   {"format": "nabla-checkpoint", "version": 1, "model": "dcgan",
//    "step": 500, "config": {...}, "values": {...}}
#include <cstdint>
#include <string>

#include "models/train/config.h"
#include "models/train/trainer.h"

namespace nabla::train {

struct Checkpoint {
  int64_t step = 0;
  TrainConfig config;
  TrainerState state;
  std::string path;  // the file it was loaded from (or is saved to), for messages
};

// Written atomically.
void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);
// Throws std::runtime_error naming the file when it is not a nabla checkpoint.
Checkpoint load_checkpoint(const std::string& path);
// trainer.load(checkpoint.state); a state the trainer refuses (a missing
// entry, a negative or fractional count) throws std::runtime_error naming the
// file.
void restore(Trainer& trainer, const Checkpoint& checkpoint);

}  // namespace nabla::train
