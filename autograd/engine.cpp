// The backward engine. Nodes have one output each, so the gradient of a
// node's output is the sum of what its consumers send it. Kahn's algorithm
// runs a node only after every consumer reachable from the roots has sent
// its share.
#include "autograd/engine.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/trace.h"
#include "core/copy.h"
#include "core/factory.h"

namespace nabla {

namespace {

using NodeSet = std::unordered_set<Node*>;

// Number of edges into each node reachable from the roots.
std::unordered_map<Node*, int> count_dependencies(const std::vector<std::shared_ptr<Node>>& roots) {
  std::unordered_map<Node*, int> deps;
  NodeSet seen;
  std::vector<Node*> stack;
  for (const auto& r : roots)
    if (seen.insert(r.get()).second) stack.push_back(r.get());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (const auto& child : n->next) {
      if (!child) continue;
      ++deps[child.get()];
      if (seen.insert(child.get()).second) stack.push_back(child.get());
    }
  }
  return deps;
}

// Nodes from which some target is reachable (only their vjps need to run).
NodeSet leading_to(const std::vector<std::shared_ptr<Node>>& roots, const NodeSet& targets) {
  std::unordered_map<Node*, bool> memo;
  // Iterative post-order: a node leads to a target if it is one or a child leads to one.
  std::vector<std::pair<Node*, size_t>> stack;
  for (const auto& r : roots) {
    if (memo.count(r.get())) continue;
    stack.push_back({r.get(), 0});
    memo[r.get()] = targets.count(r.get()) > 0;
    while (!stack.empty()) {
      auto& [n, i] = stack.back();
      if (i < n->next.size()) {
        Node* c = n->next[i++].get();
        if (c && !memo.count(c)) {
          memo[c] = targets.count(c) > 0;
          stack.push_back({c, 0});
        }
        continue;
      }
      for (const auto& c : n->next)
        if (c && memo[c.get()]) memo[n] = true;
      stack.pop_back();
    }
  }
  NodeSet out;
  for (auto& [n, leads] : memo)
    if (leads) out.insert(n);
  return out;
}

void accumulate(Tensor& slot, const Tensor& g) {
  if (!g.defined()) return;
  slot = slot.defined() ? add(slot, g) : g;
}

// Runs backward from roots. With `targets`, captures the gradient arriving at
// each target node instead of writing leaves' .grad.
std::unordered_map<Node*, Tensor> run_backward(const std::vector<std::shared_ptr<Node>>& roots,
                                               const std::vector<Tensor>& root_grads,
                                               const BackwardOptions& opt, const NodeSet* targets) {
  GradModeGuard mode(opt.create_graph);
  begin_backward_trace();
  const bool keep = opt.retain_graph || opt.create_graph;
  auto deps = count_dependencies(roots);
  const NodeSet useful = targets ? leading_to(roots, *targets) : NodeSet{};

  std::unordered_map<Node*, Tensor> buffer, captured;
  std::vector<std::shared_ptr<Node>> ready;
  for (size_t i = 0; i < roots.size(); ++i) accumulate(buffer[roots[i].get()], root_grads[i]);
  for (const auto& r : roots)
    if (deps[r.get()] == 0 && std::find(ready.begin(), ready.end(), r) == ready.end()) ready.push_back(r);

  while (!ready.empty()) {
    std::shared_ptr<Node> node = ready.back();
    ready.pop_back();
    Tensor g = std::move(buffer[node.get()]);
    buffer.erase(node.get());
    const bool wanted = g.defined() && (!targets || useful.count(node.get()));
    if (wanted && node->has_hooks()) g = node->run_hooks(g, /*store_retained=*/!targets);
    std::vector<Tensor> grads(node->next.size());
    if (targets && targets->count(node.get())) captured[node.get()] = g;
    NodeTrace trace(*node, g, wanted);  // times the work below when tracing
    if (node->is_accumulator()) {
      if (!targets && g.defined()) {
        Tensor leaf(node->leaf), old = leaf.grad();
        // A fresh .grad never aliases another tensor's gradient.
        leaf.set_grad(old.defined() ? add(old, g) : opt.create_graph ? g : prim::clone(g));
      }
    } else if (wanted) {
      if (targets) {  // skip the gradients of inputs that lead to no target
        std::vector<bool> only(node->next.size());
        for (size_t i = 0; i < only.size(); ++i) only[i] = node->next[i] && useful.count(node->next[i].get());
        grads = node->apply(g, &only);
      } else {
        grads = node->apply(g);
      }
      if (!keep) node->release();
    }
    trace.finish(grads);
    for (size_t i = 0; i < node->next.size(); ++i) {
      Node* child = node->next[i].get();
      if (!child) continue;
      accumulate(buffer[child], grads[i]);
      if (--deps[child] == 0) ready.push_back(node->next[i]);
    }
  }
  return captured;
}

Tensor default_grad(const Tensor& out, const Tensor& given, const char* op) {
  if (given.defined()) {
    if (given.shape() != out.shape())
      throw std::invalid_argument(std::string(op) + ": grad_output " + describe(given) +
                                  " does not match output " + describe(out));
    return given;
  }
  if (out.numel() != 1)
    throw std::invalid_argument(std::string(op) + ": output " + describe(out) +
                                " has more than one element; pass its gradient explicitly");
  return ones_like(out);
}

}  // namespace

void backward(const Tensor& root, const Tensor& grad_output, BackwardOptions options) {
  if (!root.defined() || !root.requires_grad())
    throw std::invalid_argument("backward: the tensor does not require grad and has no grad_fn");
  run_backward({gradient_edge(root)}, {default_grad(root, grad_output, "backward")}, options, nullptr);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, BackwardOptions options) {
  if (!grad_outputs.empty() && grad_outputs.size() != outputs.size())
    throw std::invalid_argument("grad: " + std::to_string(grad_outputs.size()) + " grad_outputs for " +
                                std::to_string(outputs.size()) + " outputs");
  std::vector<std::shared_ptr<Node>> roots;
  std::vector<Tensor> root_grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (!outputs[i].requires_grad())
      throw std::invalid_argument("grad: output " + std::to_string(i) + " does not require grad");
    roots.push_back(gradient_edge(outputs[i]));
    root_grads.push_back(default_grad(outputs[i], grad_outputs.empty() ? Tensor() : grad_outputs[i], "grad"));
  }
  NodeSet targets;
  std::vector<std::shared_ptr<Node>> input_nodes;
  for (size_t j = 0; j < inputs.size(); ++j) {
    if (!inputs[j].defined() || !inputs[j].requires_grad())
      throw std::invalid_argument("grad: input " + std::to_string(j) + " does not require grad");
    input_nodes.push_back(gradient_edge(inputs[j]));
    targets.insert(input_nodes.back().get());
  }
  auto captured = run_backward(roots, root_grads, options, &targets);
  std::vector<Tensor> result;
  for (size_t j = 0; j < inputs.size(); ++j) {
    auto it = captured.find(input_nodes[j].get());
    if (it != captured.end()) {  // reached: a missing gradient means zero
      result.push_back(it->second.defined() ? it->second : zeros_like(inputs[j]));
      continue;
    }
    if (!options.allow_unused)
      throw std::invalid_argument("grad: input " + std::to_string(j) + " (" + describe(inputs[j]) +
                                  ") was not used to compute the outputs; pass allow_unused");
    result.push_back(Tensor());
  }
  return result;
}

}  // namespace nabla
