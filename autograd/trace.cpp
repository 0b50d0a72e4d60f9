#include "autograd/trace.h"

#include <algorithm>
#include <cstdio>

#include "autograd/node.h"
#include "core/storage.h"

namespace nabla {

namespace {
thread_local bool tracing = false;
thread_local std::vector<TraceEntry> entries;
}  // namespace

bool trace_enabled() { return tracing; }

TraceGuard::TraceGuard() : previous_(tracing) { tracing = true; }
TraceGuard::~TraceGuard() { tracing = previous_; }

std::vector<TraceEntry> last_backward_trace() { return entries; }

void begin_backward_trace() {
  if (tracing) entries.clear();
}

NodeTrace::NodeTrace(const Node& node, const Tensor& grad, bool runs) {
  if (!tracing || !runs) return;
  node_ = &node;
  shape_ = grad.shape();
  allocated_before_ = allocated_bytes_total();
  start_ = std::chrono::steady_clock::now();
}

void NodeTrace::finish(const std::vector<Tensor>& grads) {
  if (!node_) return;
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  TraceEntry e{node_->op, std::move(shape_), std::chrono::duration<double>(elapsed).count(), 0,
               allocated_bytes_total() - allocated_before_};
  for (const Tensor& g : grads)
    if (g.defined()) e.grad_bytes += static_cast<uint64_t>(g.numel()) * itemsize(g.dtype());
  entries.push_back(std::move(e));
}

std::string format_trace(const std::vector<TraceEntry>& trace) {
  std::vector<TraceEntry> rows = trace;
  std::stable_sort(rows.begin(), rows.end(), [](const TraceEntry& a, const TraceEntry& b) {
    return a.seconds > b.seconds;
  });
  double total = 0;
  uint64_t grad_total = 0, alloc_total = 0;
  for (const TraceEntry& e : rows) total += e.seconds, grad_total += e.grad_bytes, alloc_total += e.allocated_bytes;
  char line[160];
  std::string out;
  auto row = [&](const std::string& op, const std::string& shape, double s, uint64_t grad, uint64_t alloc) {
    std::snprintf(line, sizeof line, "%-16s %-14s %12.1f %6.1f%% %12llu %12llu\n", op.c_str(), shape.c_str(), s * 1e6,
                  total > 0 ? 100 * s / total : 0.0, static_cast<unsigned long long>(grad),
                  static_cast<unsigned long long>(alloc));
    out += line;
  };
  std::snprintf(line, sizeof line, "%-16s %-14s %12s %7s %12s %12s\n", "op", "output", "time (us)", "share",
                "grad bytes", "allocated");
  out += line;
  for (const TraceEntry& e : rows) row(e.op, str(e.shape), e.seconds, e.grad_bytes, e.allocated_bytes);
  row("total", "", total, grad_total, alloc_total);
  return out;
}

}  // namespace nabla
