#pragma once
// Tensor: a cheap handle to shared storage with shape, strides, offset, dtype
// and device, plus the autograd fields a tensor that requires grad carries.
//
// Tensor methods only read or set metadata; every computation is a free
// function: nabla::prim::* in core/ (no gradients recorded) and nabla::* in
// autograd/ (records the graph).
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "core/device.h"
#include "core/dtype.h"
#include "core/shape.h"
#include "core/storage.h"
#include "kernels/view.h"

namespace nabla {

struct Node;      // autograd/node.h: a recorded op
struct HookList;  // autograd/node.h: hooks on the gradient flowing into a tensor
class Tensor;

// Autograd installs how a node names its op, so that printing a tensor can
// show grad_fn=<op> without core depending on autograd.
using NodeNamer = std::string (*)(const Node&);
void set_node_namer(NodeNamer namer);

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Strides strides;
  int64_t offset = 0;  // in elements
  DType dtype = DType::f32;

  // Autograd. A leaf requires grad by flag; a non-leaf by having a grad_fn.
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;
  std::shared_ptr<Node> grad_fn;
  std::weak_ptr<Node> grad_accumulator;  // a leaf's AccumulateGrad node, made on demand
  std::shared_ptr<HookList> leaf_hooks;   // a leaf's gradient hooks, shared with that node
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl().shape; }
  int64_t dim() const { return static_cast<int64_t>(impl().shape.size()); }
  int64_t size(int64_t d) const;  // negative d counts from the end
  const Strides& strides() const { return impl().strides; }
  int64_t stride(int64_t d) const;
  int64_t offset() const { return impl().offset; }
  int64_t numel() const;
  DType dtype() const { return impl().dtype; }
  Device device() const { return impl().storage->device(); }
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const { return impl().storage; }

  // Address of element 0 (storage + offset).
  void* data_ptr() const;
  // Typed pointer to element 0 of a CPU tensor; throws on a dtype mismatch.
  template <class T>
  T* data() const {
    check_access(dtype_of<T>(), "data");
    return static_cast<T*>(data_ptr());
  }
  // The value of a one-element tensor (copied from the device if needed).
  double item() const;
  // The kernel-level view of this tensor (element type checked).
  template <class T>
  kernels::View<T> view() const {
    check_access(dtype_of<std::remove_const_t<T>>(), "view", /*any_device=*/true);
    return make_view<T>();
  }

  // In-place writes bump the storage's version; autograd checks it.
  uint64_t version() const { return impl().storage->version(); }
  void bump_version() const { impl().storage->bump_version(); }

  // Autograd metadata.
  bool requires_grad() const { return impl().requires_grad || impl().grad_fn != nullptr; }
  // Marks a leaf as requiring grad; throws on a non-leaf or a non-float dtype.
  const Tensor& requires_grad_(bool on = true) const;
  bool is_leaf() const { return impl().grad_fn == nullptr; }
  Tensor grad() const { return Tensor(impl().grad); }
  void set_grad(const Tensor& g) const { impl().grad = g.impl_; }
  const std::shared_ptr<Node>& grad_fn() const { return impl().grad_fn; }

  TensorImpl& impl() const {
    if (!impl_) throw std::logic_error("use of an undefined Tensor");
    return *impl_;
  }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }

  // PyTorch-style text: tensor([[1.0000, 2.0000], ...], dtype=f64, requires_grad=true).
  std::string str() const;

 private:
  void check_access(DType want, const char* what, bool any_device = false) const;
  template <class T>
  kernels::View<T> make_view() const {
    kernels::View<T> v;
    v.data = static_cast<T*>(data_ptr());
    v.ndim = static_cast<int>(dim());
    for (int d = 0; d < v.ndim; ++d) v.size[d] = impl_->shape[d], v.stride[d] = impl_->strides[d];
    return v;
  }

  std::shared_ptr<TensorImpl> impl_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

// A new tensor with fresh, uninitialised, contiguous storage.
Tensor make_tensor(const Shape& shape, DType dtype, Device device);
// A view on `base`'s storage with other sizes, strides and offset; no autograd.
Tensor make_view(const Tensor& base, Shape shape, Strides strides, int64_t offset);
// "f32[2, 3] cuda:0": how errors name a tensor.
std::string describe(const Tensor& t);

}  // namespace nabla
