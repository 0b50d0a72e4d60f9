#include "models/nn/optim.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "autograd/nabla.h"
#include "core/optim.h"

namespace nabla::nn {

namespace {
// torch.lerp's arithmetic: a + w (b - a) for w < 1/2, else b - (b - a)(1 - w).
Tensor lerp(const Tensor& a, const Tensor& b, double w) {
  return w < 0.5 ? a + (b - a) * w : b - (b - a) * (1 - w);
}
void check_hyper(const std::string& opt, const char* what, double v, bool ok) {
  if (!ok) throw std::invalid_argument(opt + ": invalid " + what + " " + std::to_string(v));
}
}  // namespace

Optimizer::Optimizer(std::vector<Tensor> params, double lr)
    : params_(std::move(params)), lr_(lr), param_steps_(params_.size(), 0), state_(params_.size()) {
  for (size_t i = 0; i < params_.size(); ++i)
    if (!params_[i].defined() || !is_floating(params_[i].dtype()) || !params_[i].is_leaf())
      throw std::invalid_argument("Optimizer: parameter " + std::to_string(i) +
                                  " must be a defined floating leaf tensor");
  if (!(lr >= 0)) throw std::invalid_argument("Optimizer: invalid learning rate " + std::to_string(lr));
}

void Optimizer::step() {
  NoGradGuard no_grad;
  if (graph_ && graph_call_ >= graph_calls_)
    throw std::logic_error(type_name() + ": graph mode prepared for " + std::to_string(graph_calls_) +
                           " step() call(s) per replay, got more");
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor g = params_[i].grad();
    if (!g.defined()) continue;
    if (g.shape() != params_[i].shape() || g.dtype() != params_[i].dtype())
      throw std::invalid_argument(type_name() + ": gradient " + describe(g) + " does not match parameter " +
                                  describe(params_[i]));
    if (graph_)
      graph_updated_[i] = true;
    else
      ++param_steps_[i];
    update(i, params_[i], g);
  }
  if (graph_)
    ++graph_call_;
  else
    ++step_count_;
}

void Optimizer::begin_graph(int64_t calls) {
  if (calls < 1) throw std::invalid_argument(type_name() + ".begin_graph: calls must be positive");
  NoGradGuard no_grad;
  graph_ = true;
  graph_calls_ = calls;
  graph_call_ = 0;
  graph_updated_.assign(params_.size(), false);
  begin_graph_scalars();
}

void Optimizer::graph_prepare() {
  NoGradGuard no_grad;
  graph_call_ = 0;
  prepare_graph_scalars();
}

void Optimizer::graph_advance() {
  for (size_t i = 0; i < params_.size(); ++i)
    if (graph_updated_[i]) param_steps_[i] += graph_calls_;
  step_count_ += graph_calls_;
}

void Optimizer::end_graph() {
  graph_ = false;
  graph_updated_.clear();
}

void Optimizer::zero_grad() {
  for (const Tensor& p : params_) p.set_grad(Tensor());
}

Tensor& Optimizer::slot(size_t i, const std::string& name) {
  auto& s = state_[i];
  auto it = s.find(name);
  if (it == s.end()) it = s.emplace(name, zeros_like(params_[i])).first;
  return it->second;
}

bool Optimizer::has_slot(size_t i, const std::string& name) const { return state_[i].count(name) > 0; }

StateDict Optimizer::state_dict() const {
  NoGradGuard no_grad;
  StateDict out;
  out.emplace_back("step", scalar(static_cast<double>(step_count_), DType::i64));
  out.emplace_back("lr", scalar(lr_, DType::f64));
  for (size_t i = 0; i < params_.size(); ++i) {
    const std::string prefix = "state." + std::to_string(i) + ".";
    out.emplace_back(prefix + "step", scalar(static_cast<double>(param_steps_[i]), DType::i64));
    for (const auto& [name, t] : state_[i]) out.emplace_back(prefix + name, clone(detach(t)));
  }
  return out;
}

namespace {
// "state.<i>.<slot>" -> {i, slot}; i = npos when key has another form.
std::pair<size_t, std::string> parse_state_key(const std::string& key) {
  const std::string head = "state.";
  const size_t none = std::string::npos;
  if (key.rfind(head, 0) != 0) return {none, ""};
  const size_t dot = key.find('.', head.size());
  const std::string index = key.substr(head.size(), dot == none ? none : dot - head.size());
  if (dot == none || index.empty() || index.size() > 9 ||
      index.find_first_not_of("0123456789") != std::string::npos)
    return {none, ""};
  return {std::stoul(index), key.substr(dot + 1)};
}

int64_t read_count(const std::string& op, const std::string& key, const Tensor& t) {
  if (!t.defined() || t.dtype() != DType::i64 || t.dim() != 0)
    throw std::invalid_argument(op + ": \"" + key + "\" must be an i64 scalar, got " +
                                (t.defined() ? describe(t) : std::string("undefined")));
  const double v = t.item();
  if (v < 0) throw std::invalid_argument(op + ": \"" + key + "\" is negative");
  return static_cast<int64_t>(v);
}
}  // namespace

void Optimizer::load_state_dict(const StateDict& state) {
  const std::string op = type_name() + ".load_state_dict";
  const std::vector<std::string> allowed = slot_names();
  std::optional<int64_t> step;
  std::optional<double> lr;
  std::vector<std::optional<int64_t>> steps(params_.size());
  std::vector<std::map<std::string, Tensor>> fresh(params_.size());
  NoGradGuard no_grad;
  for (const auto& [key, t] : state) {
    if (key == "step") {
      step = read_count(op, key, t);
      continue;
    }
    if (key == "lr") {
      if (!t.defined() || t.dtype() != DType::f64 || t.dim() != 0)
        throw std::invalid_argument(op + ": \"lr\" must be an f64 scalar");
      lr = t.item();
      continue;
    }
    const auto [i, slot] = parse_state_key(key);
    if (i >= params_.size())
      throw std::invalid_argument(op + ": unexpected key \"" + key + "\" (" + std::to_string(params_.size()) +
                                  " parameters)");
    if (slot == "step") {
      steps[i] = read_count(op, key, t);
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), slot) == allowed.end())
      throw std::invalid_argument(op + ": unexpected key \"" + key + "\"");
    if (!t.defined() || t.shape() != params_[i].shape() || t.dtype() != params_[i].dtype())
      throw std::invalid_argument(op + ": \"" + key + "\" is " +
                                  (t.defined() ? describe(t) : std::string("undefined")) + ", parameter " +
                                  std::to_string(i) + " is " + describe(params_[i]));
    fresh[i][slot] = nabla::to(clone(detach(t)), params_[i].device());
  }
  if (!step) throw std::invalid_argument(op + ": missing key \"step\"");
  if (!lr) throw std::invalid_argument(op + ": missing key \"lr\"");
  for (size_t i = 0; i < params_.size(); ++i)
    if (!steps[i]) throw std::invalid_argument(op + ": missing key \"state." + std::to_string(i) + ".step\"");
  lr_ = *lr;
  step_count_ = *step;
  for (size_t i = 0; i < params_.size(); ++i) param_steps_[i] = *steps[i];
  state_ = std::move(fresh);
}

SGD::SGD(std::vector<Tensor> params, double lr, SGDOptions o) : Optimizer(std::move(params), lr), opts(o) {
  check_hyper("SGD", "momentum", o.momentum, o.momentum >= 0);
  check_hyper("SGD", "weight_decay", o.weight_decay, o.weight_decay >= 0);
  if (o.nesterov && (o.momentum <= 0 || o.dampening != 0))
    throw std::invalid_argument("SGD: nesterov needs momentum > 0 and dampening 0");
}

void SGD::update(size_t i, const Tensor& p, const Tensor& grad) {
  Tensor g = opts.weight_decay != 0 ? grad + p * opts.weight_decay : grad;
  if (opts.momentum != 0) {
    const bool first = !has_slot(i, "momentum_buffer");
    Tensor& buf = slot(i, "momentum_buffer");
    if (first)
      copy_(buf, g);
    else
      copy_(buf, buf * opts.momentum + g * (1 - opts.dampening));
    g = opts.nesterov ? g + buf * opts.momentum : buf;
  }
  add_(p, g, -lr_);
}

Adam::Adam(std::vector<Tensor> params, double lr, AdamOptions o) : Optimizer(std::move(params), lr), opts(o) {
  check_hyper("Adam", "beta1", o.beta1, o.beta1 >= 0 && o.beta1 < 1);
  check_hyper("Adam", "beta2", o.beta2, o.beta2 >= 0 && o.beta2 < 1);
  check_hyper("Adam", "eps", o.eps, o.eps >= 0);
  check_hyper("Adam", "weight_decay", o.weight_decay, o.weight_decay >= 0);
}

prim::AdamStep Adam::step_of(int64_t count) const {
  const double t = static_cast<double>(count);
  prim::AdamStep step;
  step.lerp_weight = 1 - opts.beta1;
  step.beta2 = opts.beta2;
  step.one_minus_beta2 = 1 - opts.beta2;
  step.bias_correction2_sqrt = std::sqrt(1 - std::pow(opts.beta2, t));
  step.eps = opts.eps;
  step.weight_decay = opts.weight_decay;
  step.neg_step_size = -(lr_ / (1 - std::pow(opts.beta1, t)));
  return step;
}

void Adam::update(size_t i, const Tensor& p, const Tensor& grad) {
  const prim::AdamStep step = step_of(param_steps_[i]);
  if (graph_) {  // the step's scalars from graph_scalars_, written by graph_prepare()
    const int64_t row = graph_call_ * static_cast<int64_t>(params_.size()) + static_cast<int64_t>(i);
    prim::adam_step_(p, slot(i, "exp_avg"), slot(i, "exp_avg_sq"), grad, step, narrow(graph_scalars_, 0, row, 1));
    return;
  }
  // One fused pass (core/optim.h), bitwise the tensor sequence of the class
  // comment: m = lerp(m, g, 1 - b1); s = s b2 + g g (1 - b2); p += ...
  prim::adam_step_(p, slot(i, "exp_avg"), slot(i, "exp_avg_sq"), grad, step);
}

void Adam::begin_graph_scalars() {
  const Device device = params_.empty() ? Device::cpu() : params_[0].device();
  graph_scalars_ = zeros({graph_calls_ * static_cast<int64_t>(params_.size()), 2}, Options(DType::f64, device));
}

// The scalars of each parameter's next updates (t = its count + 1 + c), computed
// as update() computes them eagerly.
void Adam::prepare_graph_scalars() {
  std::vector<double> values;
  for (int64_t c = 0; c < graph_calls_; ++c)
    for (size_t i = 0; i < params_.size(); ++i) {
      const prim::AdamStep step = step_of(param_steps_[i] + 1 + c);
      values.push_back(step.bias_correction2_sqrt);
      values.push_back(step.neg_step_size);
    }
  const Tensor host = tensor(values, graph_scalars_.shape());
  copy_(graph_scalars_, nabla::to(host, graph_scalars_.device()));
}

RMSprop::RMSprop(std::vector<Tensor> params, double lr, RMSpropOptions o)
    : Optimizer(std::move(params), lr), opts(o) {
  check_hyper("RMSprop", "alpha", o.alpha, o.alpha >= 0);
  check_hyper("RMSprop", "eps", o.eps, o.eps >= 0);
  check_hyper("RMSprop", "momentum", o.momentum, o.momentum >= 0);
  check_hyper("RMSprop", "weight_decay", o.weight_decay, o.weight_decay >= 0);
}

void RMSprop::update(size_t i, const Tensor& p, const Tensor& grad) {
  Tensor g = opts.weight_decay != 0 ? grad + p * opts.weight_decay : grad;
  Tensor& s = slot(i, "square_avg");
  copy_(s, s * opts.alpha + g * g * (1 - opts.alpha));
  Tensor avg;
  if (opts.centered) {
    Tensor& a = slot(i, "grad_avg");
    copy_(a, lerp(a, g, 1 - opts.alpha));
    avg = sqrt(s - a * a) + opts.eps;
  } else {
    avg = sqrt(s) + opts.eps;
  }
  if (opts.momentum > 0) {
    Tensor& buf = slot(i, "momentum_buffer");
    copy_(buf, buf * opts.momentum + g / avg);
    add_(p, buf, -lr_);
  } else {
    add_(p, g / avg, -lr_);
  }
}

}  // namespace nabla::nn
