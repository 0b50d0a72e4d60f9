#pragma once
// Module: the base of every layer, after torch.nn.Module. A module owns named
// parameters (leaves that require grad), named buffers (state such as
// BatchNorm's running statistics) and named submodules; recursive queries
// give PyTorch's dotted names ("net.0.weight"). Modules are held as
// std::shared_ptr.
//
// Layers read their tensors by name (get("weight")) at forward time, so a
// wrapper can swap what a name means (SpectralNorm installs a computed
// weight as a plain attribute). Parameters and buffers are changed in place
// (to(), load_state_dict()), so handles held elsewhere (an optimizer's
// parameter list) stay valid.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace nabla::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
// name -> tensor in PyTorch's order: per module its parameters, then its
// persistent buffers, then its children's entries (pre-order).
using StateDict = NamedTensors;

class Module {
 public:
  virtual ~Module() = default;
  Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }
  // The type's name for messages ("Linear").
  virtual std::string type_name() const = 0;

  // Recursive; shared tensors appear once (first name wins).
  NamedTensors named_parameters() const;
  std::vector<Tensor> parameters() const;
  NamedTensors named_buffers() const;  // persistent and non-persistent
  std::vector<Tensor> buffers() const;
  // This module (name "") and every descendant, pre-order.
  std::vector<std::pair<std::string, Module*>> named_modules();
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const { return children_; }

  // Training mode, recursively; a new module is in training mode.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Moves (or converts) every parameter and buffer, with their grads, in
  // place: the handles keep their identity. to(DType) converts floating
  // tensors only (num_batches_tracked stays i64).
  void to(Device device);
  void to(DType dtype);

  // Sets every parameter's .grad to undefined (PyTorch's set_to_none=True):
  // the next backward writes a fresh gradient instead of accumulating.
  void zero_grad();

  StateDict state_dict() const;
  // Copies the entries into this module's tensors. Always checks shapes and
  // dtypes against the module's; strict also refuses missing and unexpected
  // keys. Everything is checked before anything is written.
  void load_state_dict(const StateDict& dict, bool strict = true);

  // This module's own tensor called name: a parameter, a buffer or an
  // attribute; get throws when there is none, find returns undefined.
  const Tensor& get(const std::string& name) const;
  Tensor find(const std::string& name) const;
  bool has_parameter(const std::string& name) const;

  // Registration (public so wrappers such as SpectralNorm can rearrange a
  // module). A parameter must be a floating tensor; it is made a leaf that
  // requires grad.
  Tensor register_parameter(const std::string& name, const Tensor& t);
  Tensor register_buffer(const std::string& name, const Tensor& t, bool persistent = true);
  Tensor remove_parameter(const std::string& name);
  // A plain tensor under a name: neither trained nor saved (a computed weight).
  void set_attribute(const std::string& name, const Tensor& t);
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> m) {
    add_child(name, m);
    return m;
  }

 protected:
  // Hook for modules whose children change meaning with the mode.
  virtual void on_train(bool /*on*/) {}

 private:
  struct Buffer {
    std::string name;
    Tensor tensor;
    bool persistent;
  };
  void add_child(const std::string& name, std::shared_ptr<Module> m);
  // This module's own parameter, buffer or attribute called name, or null.
  const Tensor* lookup(const std::string& name) const;
  void check_new_name(const std::string& name) const;
  void collect_params(const std::string& prefix, NamedTensors& out) const;
  void collect_buffers(const std::string& prefix, bool persistent_only, NamedTensors& out) const;
  void collect_state(const std::string& prefix, StateDict& out) const;
  void for_each_tensor(const std::function<void(Tensor&)>& f);

  NamedTensors params_;
  std::vector<Buffer> buffers_;
  NamedTensors attributes_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

using ModulePtr = std::shared_ptr<Module>;

// "prefix.name", or name when prefix is empty (an empty child name is a
// transparent wrapper: its entries keep the parent's prefix).
std::string join_name(const std::string& prefix, const std::string& name);

}  // namespace nabla::nn
