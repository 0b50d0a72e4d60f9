#include "autograd/node.h"

#include <stdexcept>

#include "autograd/anomaly.h"
#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "core/copy.h"

namespace nabla {

namespace {
const bool namer_installed = (set_node_namer([](const Node& n) { return n.op; }), true);
}  // namespace

SavedTensor::SavedTensor(const Tensor& t, bool is_output)
    : data_(t.defined() && is_output ? make_view(t, t.shape(), t.strides(), t.offset()) : t),
      version_(t.defined() ? t.version() : 0),
      is_output_(is_output) {}

Tensor SavedTensor::unpack(const std::shared_ptr<Node>& owner) const {
  if (!data_.defined()) return data_;
  if (data_.version() != version_)
    throw std::runtime_error("backward of '" + owner->op + "': a tensor it saved (" + describe(data_) +
                             ") was modified in place after it was saved (version " +
                             std::to_string(version_) + ", now " + std::to_string(data_.version()) + ")");
  if (!is_output_) return data_;
  Tensor out = make_view(data_, data_.shape(), data_.strides(), data_.offset());
  out.impl().grad_fn = owner;  // the output again, with its history
  return out;
}

std::vector<Tensor> Node::apply(const Tensor& grad, const std::vector<bool>* only) {
  if (released || !vjp)
    throw std::runtime_error("backward through '" + op + "' a second time: its saved tensors were freed "
                             "by the first backward; pass retain_graph=true to keep them");
  VjpContext ctx{grad, {}, {}};
  auto self = shared_from_this();
  for (const SavedTensor& s : saved) ctx.saved.push_back(s.unpack(self));
  for (size_t i = 0; i < next.size(); ++i) ctx.needs.push_back(next[i] != nullptr && (!only || (*only)[i]));
  AnomalyBackwardScope anomaly(*this);  // names this node if the vjp's own ops go NaN
  std::vector<Tensor> grads = vjp(ctx);
  if (grads.size() != next.size())
    throw std::logic_error("vjp of '" + op + "' returned " + std::to_string(grads.size()) +
                           " gradients for " + std::to_string(next.size()) + " inputs");
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!ctx.needs[i]) grads[i] = Tensor();
    if (grads[i].defined() && grads[i].shape() != input_shapes[i])
      throw std::logic_error("vjp of '" + op + "' returned a gradient " + describe(grads[i]) +
                             " for input " + std::to_string(i) + " of shape " + str(input_shapes[i]));
  }
  if (anomaly_enabled()) check_gradients(*this, grads);
  return grads;
}

Tensor Node::run_hooks(Tensor grad, bool store_retained) {
  if (hooks)
    for (const auto& entry : std::vector(hooks->hooks)) {  // a copy: a hook may remove itself
      Tensor r = entry.second(grad);
      if (!r.defined()) continue;
      if (r.shape() != grad.shape())
        throw std::invalid_argument("a hook on the gradient of '" + op + "' returned " + describe(r) +
                                    " for a gradient " + describe(grad));
      grad = r;
    }
  if (auto t = retains_grad.lock(); t && store_retained) {
    Tensor tensor(t);
    Tensor g = grad_enabled() ? grad : prim::clone(grad);  // as for a leaf: never alias
    tensor.set_grad(tensor.grad().defined() ? add(tensor.grad(), g) : g);
  }
  return grad;
}

void Node::release() {
  saved.clear();
  vjp = nullptr;
  released = true;
}

std::shared_ptr<Node> gradient_edge(const Tensor& t) {
  if (!t.defined() || !t.requires_grad()) return nullptr;
  if (t.grad_fn()) return t.grad_fn();
  if (auto acc = t.impl().grad_accumulator.lock()) return acc;
  auto acc = std::make_shared<Node>();
  acc->op = "AccumulateGrad";
  acc->leaf = t.impl_ptr();
  acc->out_dtype = t.dtype();
  acc->hooks = t.impl().leaf_hooks;
  t.impl().grad_accumulator = acc;
  return acc;
}

}  // namespace nabla
