#pragma once
// A model family's training step behind one interface, so that one loop
// (loop.h) gives every model the run folder, logs, sample grids, checkpoints
// and resume. A trainer owns its networks, optimizers, data loader and random
// streams: its state() is everything needed to continue bit for bit.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/random.h"
#include "core/tensor.h"
#include "core/serialize.h"

namespace nabla::train {

// A trainer's step split for --cuda-graph (graph_step.h): prepare (host, not
// captured: the next batch and noise copied into static input tensors, the
// optimizers' per-step scalars), body (the step's device work, reading only
// the static inputs: captured once, replayed every step; returns the losses
// as device scalars, which are read after each replay) and finish (host,
// after the replay: counters, host-side metrics). end leaves graph mode.
// prepare, body, finish in turn must do exactly what step() does.
struct GraphStep {
  std::string unsupported;  // why this trainer's step cannot be captured; empty when it can
  std::function<void()> prepare;
  std::function<std::map<std::string, Tensor>()> body;
  std::function<void(std::map<std::string, double>& losses)> finish;
  std::function<void()> end;
};

// Tensors (parameters, buffers, optimizer moments) and small values (step
// counts, random-stream offsets, loader position).
struct TrainerState {
  NamedTensors tensors;
  nlohmann::json values = nlohmann::json::object();
};

class Trainer {
 public:
  virtual ~Trainer() = default;
  // One optimisation step; returns its losses by name ("loss_d", "loss_g").
  virtual std::map<std::string, double> step() = 0;
  // Batches in one pass over the training data.
  virtual int64_t batches_per_epoch() = 0;
  // n samples from the model in eval mode, drawing its randomness from gen:
  // images [n, C, H, W] in [-1, 1] (or points [n, D] for 2-D models); trains
  // nothing and changes no state.
  virtual Tensor sample(int64_t n, Generator& gen) = 0;
  // A picture (u8 [H, W] or [H, W, 3]) of n samples drawn with gen: by
  // default a grid of 8 per row; 2-D models draw a scatter plot instead.
  // The run writes picture(64, fixed stream) every sample_every steps.
  virtual Tensor picture(int64_t n, Generator& gen);
  // Evaluation scores ("test_accuracy", "fid") of the model as it stands,
  // computed at every sample grid and logged with the losses; changes no
  // state (a resumed run logs the same values). None by default.
  virtual std::map<std::string, double> scores() { return {}; }
  // The losses of one step, computed (their graphs kept) but not applied:
  // what `nabla graph` draws and traces.
  virtual std::map<std::string, Tensor> losses() = 0;
  // Whether the trainer honours config.precision = "bf16" (autocast around
  // its networks, f32 losses, the loss scaler); `nabla train --precision
  // bf16` is refused for the others.
  virtual bool mixed_precision() const { return false; }
  // The step split for CUDA graphs; by default unsupported.
  virtual GraphStep graph_step();
  // Every trained parameter with its checkpoint name ("G.0.weight").
  virtual NamedTensors named_parameters() const = 0;
  virtual TrainerState state() const = 0;
  // Restores a state() of a trainer built with the same config.
  virtual void load(const TrainerState& state) = 0;
};

}  // namespace nabla::train
