#pragma once
// `nabla train --cuda-graph`: the training step captured once into a CUDA
// graph (core/cuda_graph.h) and replayed at every later step.
//
// Step 1 (of this process) runs eagerly, trainer.step(): it creates what
// steps create lazily (optimizer buffers) and warms the caching allocator.
// Every later step is prepare (host: the batch and noise into static
// tensors, the optimizers' scalars into device memory), one replay of the
// body captured at the second step, the losses read from the body's output
// scalars, and finish (host counters). The split is the trainer's
// (Trainer::graph_step, trainer.h); replaying it gives the eager steps'
// numbers bitwise: the same kernels on the same values in the same order.
#include <map>
#include <optional>
#include <string>

#include "core/cuda_graph.h"
#include "models/train/config.h"
#include "models/train/trainer.h"

namespace nabla::train {

class GraphStepper {
 public:
  // Throws std::invalid_argument naming config.model and the reason when its
  // step cannot be captured, or when config.device is not CUDA (with capture).
  // capture = false runs the split step eagerly, without a graph, on any
  // device: the CPU tests' check of a trainer's split.
  GraphStepper(Trainer& trainer, const TrainConfig& config, bool capture = true);
  ~GraphStepper();
  GraphStepper(const GraphStepper&) = delete;
  GraphStepper& operator=(const GraphStepper&) = delete;

  // One training step; returns its losses, as Trainer::step().
  std::map<std::string, double> step();
  // Whether the graph has been captured (after the second step).
  bool captured() const { return graph_ && graph_->captured(); }

 private:
  Trainer& trainer_;
  GraphStep split_;
  std::optional<CudaGraph> graph_;
  std::map<std::string, Tensor> outputs_;  // the body's losses: static device scalars
  bool warm_ = false;
};

}  // namespace nabla::train
