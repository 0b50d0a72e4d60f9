#include "models/nn/module.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "autograd/nabla.h"

namespace nabla::nn {

std::string join_name(const std::string& prefix, const std::string& name) {
  if (prefix.empty()) return name;
  if (name.empty()) return prefix;
  return prefix + "." + name;
}

namespace {

// Points dst's handle at src's data (storage, layout, dtype): the handle
// keeps its identity, so every copy of it sees the moved tensor.
void replace_contents(const Tensor& dst, const Tensor& src) {
  TensorImpl& d = dst.impl();
  const TensorImpl& s = src.impl();
  d.storage = s.storage;
  d.shape = s.shape;
  d.strides = s.strides;
  d.offset = s.offset;
  d.dtype = s.dtype;
}

template <class Convert>
void convert_in_place(Tensor& t, Convert convert) {
  if (!t.defined()) return;
  NoGradGuard no_grad;
  Tensor moved = convert(detach(t));
  if (!moved.is_same(t) && moved.storage() != t.storage()) replace_contents(t, moved);
  Tensor g = t.grad();
  if (g.defined()) {
    Tensor gm = convert(g);
    if (gm.storage() != g.storage()) replace_contents(g, gm);
  }
}

std::string join_keys(const std::vector<std::string>& keys) {
  std::string s;
  for (const auto& k : keys) s += (s.empty() ? "" : ", ") + ("\"" + k + "\"");
  return s;
}

}  // namespace

void Module::check_new_name(const std::string& name) const {
  if (name.find('.') != std::string::npos)
    throw std::invalid_argument(type_name() + ": name \"" + name + "\" must not contain '.'");
  auto taken = [&](const auto& v) {
    return std::any_of(v.begin(), v.end(), [&](const auto& e) { return e.first == name; });
  };
  const bool buffer = std::any_of(buffers_.begin(), buffers_.end(), [&](const Buffer& b) { return b.name == name; });
  if (taken(params_) || buffer || (!name.empty() && taken(children_)))
    throw std::invalid_argument(type_name() + ": \"" + name + "\" is already registered");
}

Tensor Module::register_parameter(const std::string& name, const Tensor& t) {
  check_new_name(name);
  if (!t.defined()) throw std::invalid_argument(type_name() + ": parameter \"" + name + "\" is undefined");
  if (!t.is_leaf()) throw std::invalid_argument(type_name() + ": parameter \"" + name + "\" must be a leaf");
  t.requires_grad_(true);
  params_.emplace_back(name, t);
  return t;
}

Tensor Module::register_buffer(const std::string& name, const Tensor& t, bool persistent) {
  check_new_name(name);
  if (!t.defined()) throw std::invalid_argument(type_name() + ": buffer \"" + name + "\" is undefined");
  buffers_.push_back({name, t, persistent});
  return t;
}

Tensor Module::remove_parameter(const std::string& name) {
  auto it = std::find_if(params_.begin(), params_.end(), [&](const auto& p) { return p.first == name; });
  if (it == params_.end()) throw std::invalid_argument(type_name() + ": no parameter \"" + name + "\"");
  Tensor t = it->second;
  params_.erase(it);
  return t;
}

void Module::set_attribute(const std::string& name, const Tensor& t) {
  for (auto& [n, a] : attributes_)
    if (n == name) {
      a = t;
      return;
    }
  attributes_.emplace_back(name, t);
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> m) {
  check_new_name(name);
  if (!m) throw std::invalid_argument(type_name() + ": submodule \"" + name + "\" is null");
  children_.emplace_back(name, std::move(m));
}

const Tensor* Module::lookup(const std::string& name) const {
  for (const auto& [n, t] : params_)
    if (n == name) return &t;
  for (const auto& b : buffers_)
    if (b.name == name) return &b.tensor;
  for (const auto& [n, t] : attributes_)
    if (n == name) return &t;
  return nullptr;
}

Tensor Module::find(const std::string& name) const {
  const Tensor* t = lookup(name);
  return t ? *t : Tensor();
}

const Tensor& Module::get(const std::string& name) const {
  if (const Tensor* t = lookup(name)) return *t;
  throw std::invalid_argument(type_name() + ": no tensor named \"" + name + "\"");
}

bool Module::has_parameter(const std::string& name) const {
  return std::any_of(params_.begin(), params_.end(), [&](const auto& p) { return p.first == name; });
}

void Module::collect_params(const std::string& prefix, NamedTensors& out) const {
  for (const auto& [n, t] : params_) out.emplace_back(join_name(prefix, n), t);
  for (const auto& [n, c] : children_) c->collect_params(join_name(prefix, n), out);
}

void Module::collect_buffers(const std::string& prefix, bool persistent_only, NamedTensors& out) const {
  for (const auto& b : buffers_)
    if (b.persistent || !persistent_only) out.emplace_back(join_name(prefix, b.name), b.tensor);
  for (const auto& [n, c] : children_) c->collect_buffers(join_name(prefix, n), persistent_only, out);
}

void Module::collect_state(const std::string& prefix, StateDict& out) const {
  for (const auto& [n, t] : params_) out.emplace_back(join_name(prefix, n), t);
  for (const auto& b : buffers_)
    if (b.persistent) out.emplace_back(join_name(prefix, b.name), b.tensor);
  for (const auto& [n, c] : children_) c->collect_state(join_name(prefix, n), out);
}

namespace {
NamedTensors dedup(const NamedTensors& all) {
  NamedTensors out;
  std::set<const TensorImpl*> seen;
  for (const auto& e : all)
    if (seen.insert(e.second.impl_ptr().get()).second) out.push_back(e);
  return out;
}
std::vector<Tensor> values(const NamedTensors& v) {
  std::vector<Tensor> out;
  for (const auto& e : v) out.push_back(e.second);
  return out;
}
}  // namespace

NamedTensors Module::named_parameters() const {
  NamedTensors all;
  collect_params("", all);
  return dedup(all);
}

std::vector<Tensor> Module::parameters() const { return values(named_parameters()); }

NamedTensors Module::named_buffers() const {
  NamedTensors all;
  collect_buffers("", false, all);
  return dedup(all);
}

std::vector<Tensor> Module::buffers() const { return values(named_buffers()); }

std::vector<std::pair<std::string, Module*>> Module::named_modules() {
  std::vector<std::pair<std::string, Module*>> out{{"", this}};
  for (const auto& [n, c] : children_)
    for (auto& [sub, m] : c->named_modules()) out.emplace_back(join_name(n, sub), m);
  return out;
}

void Module::train(bool on) {
  training_ = on;
  on_train(on);
  for (auto& [n, c] : children_) c->train(on);
}

void Module::for_each_tensor(const std::function<void(Tensor&)>& f) {
  for (auto& [n, t] : params_) f(t);
  for (auto& b : buffers_) f(b.tensor);
  for (auto& [n, c] : children_) c->for_each_tensor(f);
}

void Module::to(Device device) {
  for_each_tensor([&](Tensor& t) { convert_in_place(t, [&](const Tensor& x) { return nabla::to(x, device); }); });
}

void Module::to(DType dtype) {
  for_each_tensor([&](Tensor& t) {
    if (!is_floating(t.dtype())) return;
    convert_in_place(t, [&](const Tensor& x) { return nabla::to(x, dtype); });
  });
}

void Module::zero_grad() {
  for (Tensor& p : parameters()) p.set_grad(Tensor());
}

StateDict Module::state_dict() const {
  StateDict out;
  collect_state("", out);
  return out;
}

void Module::load_state_dict(const StateDict& dict, bool strict) {
  const StateDict own = state_dict();
  std::unordered_map<std::string, const Tensor*> given;
  for (const auto& [n, t] : dict)
    if (!given.emplace(n, &t).second)
      throw std::invalid_argument("load_state_dict: key \"" + n + "\" appears twice");
  std::vector<std::string> missing, unexpected, mismatched;
  std::set<std::string> own_names;
  for (const auto& [n, t] : own) {
    own_names.insert(n);
    auto it = given.find(n);
    if (it == given.end()) {
      missing.push_back(n);
      continue;
    }
    const Tensor& src = *it->second;
    if (!src.defined() || src.shape() != t.shape() || src.dtype() != t.dtype())
      mismatched.push_back("\"" + n + "\": expected " + describe(t) + ", got " +
                           (src.defined() ? describe(src) : std::string("undefined")));
  }
  for (const auto& [n, t] : dict)
    if (!own_names.count(n)) unexpected.push_back(n);
  std::ostringstream err;
  if (!mismatched.empty()) {
    err << "load_state_dict into " << type_name() << ": shape or dtype mismatch for ";
    for (size_t i = 0; i < mismatched.size(); ++i) err << (i ? "; " : "") << mismatched[i];
  }
  if (strict && (!missing.empty() || !unexpected.empty())) {
    if (!err.str().empty()) err << ". ";
    err << "load_state_dict into " << type_name() << ":";
    if (!missing.empty()) err << " missing keys " << join_keys(missing) << ";";
    if (!unexpected.empty()) err << " unexpected keys " << join_keys(unexpected) << ";";
  }
  if (!err.str().empty()) throw std::invalid_argument(err.str());
  NoGradGuard no_grad;
  for (const auto& [n, t] : own) {
    auto it = given.find(n);
    // A checkpoint loads onto the CPU: its tensors go to the module's device.
    if (it != given.end()) copy_(t, nabla::to(*it->second, t.device()));
  }
}

}  // namespace nabla::nn
