#pragma once
// Gradient hooks. A hook sees the gradient flowing into a tensor during
// backward() or grad(): for a leaf, before it is added to .grad (or returned
// by grad()); for a non-leaf, the gradient of its output before its node's
// vjp runs. It may return a replacement of the same shape, or an undefined
// tensor to keep the gradient. Hooks run in the order registered and are not
// called where no gradient arrives (a zero gradient).
#include <cstdint>
#include <memory>

#include "autograd/node.h"

namespace nabla {

class HookHandle {
 public:
  HookHandle() = default;
  HookHandle(std::weak_ptr<HookList> list, uint64_t id) : list_(std::move(list)), id_(id) {}
  // Unregisters the hook; does nothing the second time.
  void remove();

 private:
  std::weak_ptr<HookList> list_;
  uint64_t id_ = 0;
};

// Throws std::invalid_argument when t does not require grad.
[[nodiscard("keep the handle to remove the hook")]] HookHandle register_hook(const Tensor& t, GradHook hook);

// Makes backward() also store the gradient of a non-leaf t into t.grad()
// (accumulating, as for a leaf). grad() leaves it alone. No-op on a leaf.
void retain_grad(const Tensor& t);

}  // namespace nabla
