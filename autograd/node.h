#pragma once
// A node of the graph: one recorded op with one output. It holds the nodes
// that produced its inputs (`next`), the tensors its vjp needs (`saved`), and
// the vjp itself, written with differentiable ops so that backward of
// backward works.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace nabla {

// A tensor saved for backward. Reading it after an in-place write to its
// storage throws. An op's own output is held without its grad_fn (that
// would be a reference cycle) and reattached to the node when unpacked.
class SavedTensor {
 public:
  SavedTensor(const Tensor& t, bool is_output);
  Tensor unpack(const std::shared_ptr<Node>& owner) const;
  // For introspection: the tensor as saved, and whether it was since modified in place.
  const Tensor& peek() const { return data_; }
  bool modified() const { return data_.defined() && data_.version() != version_; }

 private:
  Tensor data_;
  uint64_t version_ = 0;
  bool is_output_ = false;
};

// What a vjp sees: the gradient of the output, the saved tensors, and which
// inputs need a gradient (an input that does not may get an undefined one).
struct VjpContext {
  Tensor grad;
  std::vector<Tensor> saved;
  std::vector<bool> needs;
};

// Returns one gradient per input, each of that input's shape, or undefined
// (meaning zero).
using VjpFn = std::function<std::vector<Tensor>(const VjpContext&)>;

// Hooks on the gradient flowing into a tensor (autograd/hooks.h). Each may
// return a replacement gradient; an undefined result keeps the gradient.
using GradHook = std::function<Tensor(const Tensor& grad)>;
struct HookList {
  std::vector<std::pair<uint64_t, GradHook>> hooks;  // (id, hook), run in order
  uint64_t next_id = 0;
};

struct Node : std::enable_shared_from_this<Node> {
  std::string op;
  std::vector<std::shared_ptr<Node>> next;  // per input; null where no grad is needed
  std::vector<Shape> input_shapes;
  std::vector<SavedTensor> saved;
  VjpFn vjp;
  std::shared_ptr<TensorImpl> leaf;  // set only on a leaf's AccumulateGrad node
  bool released = false;
  // Introspection: the output's dtype (for graph_dot; its shape is the
  // consumers' input_shapes), the chain of ops that led here (anomaly mode
  // only), hooks and retain_grad's tensor (autograd/hooks.h).
  DType out_dtype = DType::f32;
  std::string origin;
  std::shared_ptr<HookList> hooks;
  std::weak_ptr<TensorImpl> retains_grad;

  bool is_accumulator() const { return leaf != nullptr; }
  bool has_hooks() const { return hooks || !retains_grad.expired(); }
  // Runs the vjp on grad, checking the saved tensors and each gradient's shape.
  // With `only`, input i needs a gradient only where only[i] is true (grad()
  // with inputs: an edge that leads to none of them is skipped).
  std::vector<Tensor> apply(const Tensor& grad, const std::vector<bool>* only = nullptr);
  // Drops the saved tensors and the vjp (after backward without retain_graph).
  void release();
  // The gradient of the output after this node's hooks; with store_retained,
  // also written to a retain_grad tensor's .grad.
  Tensor run_hooks(Tensor grad, bool store_retained);
};

// The node that receives t's gradient: its grad_fn, a leaf's AccumulateGrad
// node (made on first use), or null when t does not require grad.
std::shared_ptr<Node> gradient_edge(const Tensor& t);

}  // namespace nabla
