#pragma once
// Trace mode: under a TraceGuard, the backward engine records, for each node
// it executes, the op, the wall time of its vjp (or of a leaf's
// accumulation), the bytes of the gradients it returned and the bytes CPU
// storage allocated meanwhile. last_backward_trace() is the most recent
// backward()/grad() run under trace, in execution order (a topological order);
// nodes that receive no gradient do not run and are not listed. The mode is
// per thread; the allocation count is the process's CPU storage, so other
// threads allocating meanwhile would be counted too.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace nabla {

struct Node;

struct TraceEntry {
  std::string op;
  Shape shape;  // of the node's output (the gradient it received)
  double seconds = 0;
  uint64_t grad_bytes = 0;       // sum of numel * itemsize over the gradients returned
  uint64_t allocated_bytes = 0;  // allocated_bytes_total() after minus before
};

bool trace_enabled();

// Traces every backward pass in its scope (restores the previous mode on exit).
class TraceGuard {
 public:
  TraceGuard();
  ~TraceGuard();
  TraceGuard(const TraceGuard&) = delete;
  TraceGuard& operator=(const TraceGuard&) = delete;

 private:
  bool previous_;
};

std::vector<TraceEntry> last_backward_trace();

// A table, slowest node first, with each node's share of the total time.
std::string format_trace(const std::vector<TraceEntry>& trace);

// Used by the engine. begin_backward_trace() starts a new trace when tracing;
// a NodeTrace (active only when tracing and `runs`) times the node's work
// from its construction to finish(), which records it with the bytes of the
// gradients the node returned. `grad` is the gradient the node received.
void begin_backward_trace();
class NodeTrace {
 public:
  NodeTrace(const Node& node, const Tensor& grad, bool runs);
  void finish(const std::vector<Tensor>& grads);

 private:
  const Node* node_ = nullptr;  // null when inactive
  Shape shape_;
  std::chrono::steady_clock::time_point start_;
  uint64_t allocated_before_ = 0;
};

}  // namespace nabla
