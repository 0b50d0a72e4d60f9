#include "autograd/hooks.h"

#include <algorithm>
#include <stdexcept>

namespace nabla {

namespace {

// A leaf's list lives on the tensor (its AccumulateGrad node is made on
// demand and may come and go); a non-leaf's lives on its node.
std::shared_ptr<HookList> hooks_of(const Tensor& t) {
  if (!t.is_leaf()) {
    Node& node = *t.grad_fn();
    if (!node.hooks) node.hooks = std::make_shared<HookList>();
    return node.hooks;
  }
  TensorImpl& impl = t.impl();
  if (!impl.leaf_hooks) impl.leaf_hooks = std::make_shared<HookList>();
  if (auto acc = impl.grad_accumulator.lock()) acc->hooks = impl.leaf_hooks;
  return impl.leaf_hooks;
}

}  // namespace

void HookHandle::remove() {
  auto list = list_.lock();
  if (!list) return;
  auto& h = list->hooks;
  h.erase(std::remove_if(h.begin(), h.end(), [&](const auto& e) { return e.first == id_; }), h.end());
  list_.reset();
}

HookHandle register_hook(const Tensor& t, GradHook hook) {
  if (!t.defined() || !t.requires_grad())
    throw std::invalid_argument("register_hook: the tensor " + describe(t) + " does not require grad");
  if (!hook) throw std::invalid_argument("register_hook: empty hook");
  auto list = hooks_of(t);
  const uint64_t id = list->next_id++;
  list->hooks.emplace_back(id, std::move(hook));
  return HookHandle(list, id);
}

void retain_grad(const Tensor& t) {
  if (!t.defined() || !t.requires_grad())
    throw std::invalid_argument("retain_grad: the tensor " + describe(t) + " does not require grad");
  if (t.is_leaf()) return;
  t.grad_fn()->retains_grad = t.impl_ptr();
}

}  // namespace nabla
