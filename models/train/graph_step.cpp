#include "models/train/graph_step.h"

#include <stdexcept>

namespace nabla::train {

GraphStepper::GraphStepper(Trainer& trainer, const TrainConfig& config, bool capture)
    : trainer_(trainer), split_(trainer.graph_step()) {
  if (!split_.unsupported.empty())
    throw std::invalid_argument("train: " + config.model + " cannot run with --cuda-graph: " + split_.unsupported);
  if (capture && !config.device.is_cuda())
    throw std::invalid_argument("train: --cuda-graph needs a CUDA device (--device cuda), got " +
                                config.device.str());
  if (capture) graph_.emplace(config.device);
}

GraphStepper::~GraphStepper() {
  if (split_.end) split_.end();
}

std::map<std::string, double> GraphStepper::step() {
  if (!warm_) {
    warm_ = true;
    return trainer_.step();
  }
  split_.prepare();
  if (!graph_) {
    outputs_ = split_.body();
  } else {
    if (!graph_->captured()) graph_->capture([this] { outputs_ = split_.body(); });
    graph_->replay();
  }
  std::map<std::string, double> losses;
  for (const auto& [name, t] : outputs_) losses[name] = t.item();  // waits for the replay
  split_.finish(losses);
  return losses;
}

}  // namespace nabla::train
