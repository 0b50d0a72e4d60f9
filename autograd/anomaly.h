#pragma once
// Anomaly mode: while on, every recorded op's output is checked for NaN/Inf
// right after the forward, and every gradient a vjp returns right after the
// backward; the error names the op. Each node also remembers the chain of
// ops that led to it, so an error deep in backward says where the op came from.
// The mode is per thread. Only recorded ops are checked (an op none of whose
// inputs requires grad is not).
#include <string>
#include <vector>

#include "core/tensor.h"

namespace nabla {

struct Node;

bool anomaly_enabled();
void set_anomaly_enabled(bool on);

// Sets anomaly mode for a scope and restores the previous mode on exit.
class AnomalyGuard {
 public:
  explicit AnomalyGuard(bool on = true) : previous_(anomaly_enabled()) { set_anomaly_enabled(on); }
  ~AnomalyGuard() { set_anomaly_enabled(previous_); }
  AnomalyGuard(const AnomalyGuard&) = delete;
  AnomalyGuard& operator=(const AnomalyGuard&) = delete;

 private:
  bool previous_;
};

// While a node's vjp runs in anomaly mode, an op recorded by the vjp
// (create_graph) whose output is NaN/Inf is reported as that node's backward.
class AnomalyBackwardScope {
 public:
  explicit AnomalyBackwardScope(const Node& node);
  ~AnomalyBackwardScope();
  AnomalyBackwardScope(const AnomalyBackwardScope&) = delete;
  AnomalyBackwardScope& operator=(const AnomalyBackwardScope&) = delete;

 private:
  bool active_;
  const Node* previous_ = nullptr;
};

// Used by record() and Node::apply when anomaly mode is on.
// "leaf f32[3] -> mul -> log": the op and the chain of its first input.
std::string anomaly_origin(const std::string& op, const std::vector<Tensor>& inputs);
// Throw std::runtime_error when a tensor holds NaN or Inf.
void check_forward(const Node& node, const Tensor& out);
void check_gradients(const Node& node, const std::vector<Tensor>& grads);

}  // namespace nabla
