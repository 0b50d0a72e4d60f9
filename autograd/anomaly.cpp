#include "autograd/anomaly.h"

#include <cmath>
#include <stdexcept>

#include "autograd/node.h"
#include "core/elementwise.h"
#include "core/reduce.h"

namespace nabla {

namespace {

thread_local bool anomaly_mode = false;
thread_local const Node* backward_of = nullptr;  // the node whose vjp is running
constexpr size_t kMaxChain = 6;  // ops kept in a node's origin

// x - x is 0 for every finite x and NaN for NaN and +-Inf, so the sum is NaN
// exactly when some element is not finite.
bool all_finite(const Tensor& t) {
  if (!is_floating(t.dtype()) || t.numel() == 0) return true;
  return std::isfinite(prim::sum(prim::binary(prim::Binary::sub, t, t)).item());
}

std::string made_by(const Node& node) {
  return node.origin.empty() ? "" : "; '" + node.op + "' was made by " + node.origin;
}

}  // namespace

bool anomaly_enabled() { return anomaly_mode; }
void set_anomaly_enabled(bool on) { anomaly_mode = on; }

AnomalyBackwardScope::AnomalyBackwardScope(const Node& node) : active_(anomaly_mode) {
  if (!active_) return;
  previous_ = backward_of;
  backward_of = &node;
}
AnomalyBackwardScope::~AnomalyBackwardScope() {
  if (active_) backward_of = previous_;
}

std::string anomaly_origin(const std::string& op, const std::vector<Tensor>& inputs) {
  std::string chain;
  for (const Tensor& in : inputs) {
    if (!in.defined() || !in.requires_grad()) continue;
    if (in.is_leaf()) chain = "leaf " + describe(in);
    else chain = in.grad_fn()->origin.empty() ? in.grad_fn()->op : in.grad_fn()->origin;
    break;
  }
  std::vector<std::string> ops;  // split, keep the last kMaxChain
  for (size_t start = 0, end; !chain.empty(); start = end + 4) {
    end = chain.find(" -> ", start);
    ops.push_back(chain.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
  }
  ops.push_back(op);
  std::string out = ops.size() > kMaxChain ? "... -> " : "";
  for (size_t i = ops.size() > kMaxChain ? ops.size() - kMaxChain : 0; i < ops.size(); ++i)
    out += ops[i] + (i + 1 < ops.size() ? " -> " : "");
  return out;
}

void check_forward(const Node& node, const Tensor& out) {
  if (all_finite(out)) return;
  if (backward_of)
    throw std::runtime_error("anomaly: op '" + node.op + "' produced NaN/Inf in its output " + describe(out) +
                             " while computing the gradient of '" + backward_of->op + "' (backward)" +
                             made_by(*backward_of));
  throw std::runtime_error("anomaly: op '" + node.op + "' produced NaN/Inf in its output " + describe(out) +
                           " (forward)" + made_by(node));
}

void check_gradients(const Node& node, const std::vector<Tensor>& grads) {
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined() || all_finite(grads[i])) continue;
    throw std::runtime_error("anomaly: NaN/Inf in the gradient for input " + std::to_string(i) + " of '" +
                             node.op + "' " + describe(grads[i]) + " (backward)" + made_by(node));
  }
}

}  // namespace nabla
