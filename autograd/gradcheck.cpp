#include "autograd/gradcheck.h"

#include <cmath>
#include <sstream>

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/views.h"
#include "core/copy.h"
#include "core/views.h"
#include "core/factory.h"
#include "core/random.h"

namespace nabla {

namespace {

// All outputs of f flattened into one f64 vector.
std::vector<double> flat_outputs(const Fn& f, const std::vector<Tensor>& xs) {
  GradModeGuard on(true);  // f may itself call grad() (a gradient penalty does)
  std::vector<double> out;
  for (const Tensor& y : f(xs))
    for (double v : to_vector<double>(to(y, DType::f64))) out.push_back(v);
  return out;
}

std::string fmt(double v) {
  std::ostringstream s;
  s.precision(10);
  s << v;
  return s.str();
}

}  // namespace

GradcheckResult gradcheck(const Fn& f, const std::vector<Tensor>& inputs, GradcheckOptions opt) {
  // Contiguous leaves we may perturb in place.
  std::vector<Tensor> xs;
  std::vector<size_t> checked;
  for (size_t i = 0; i < inputs.size(); ++i) {
    Tensor x = inputs[i].defined() ? prim::clone(inputs[i]) : Tensor();
    if (x.defined() && inputs[i].requires_grad()) {
      if (x.dtype() != DType::f64) return {false, "gradcheck: input " + std::to_string(i) + " is " + describe(x) + "; use f64"};
      x.requires_grad_();
      checked.push_back(i);
    }
    xs.push_back(x);
  }
  std::vector<Tensor> ys;
  {
    GradModeGuard on(true);
    ys = f(xs);
  }
  std::vector<Tensor> diff_inputs;
  for (size_t i : checked) diff_inputs.push_back(xs[i]);

  // Analytic Jacobian, one row per output element: J[r][input][element].
  int64_t rows = 0;
  for (const Tensor& y : ys) rows += y.numel();
  std::vector<std::vector<std::vector<double>>> analytic(rows);
  int64_t r = 0;
  for (const Tensor& y : ys) {
    for (int64_t k = 0; k < y.numel(); ++k, ++r) {
      analytic[r].resize(checked.size());
      if (!y.requires_grad()) {
        for (size_t c = 0; c < checked.size(); ++c) analytic[r][c].assign(xs[checked[c]].numel(), 0.0);
        continue;
      }
      Tensor e = zeros({y.numel()}, Options::like(y));
      prim::fill_(prim::narrow(e, 0, k, 1), 1.0);
      auto gs = grad({y}, diff_inputs, {reshape(e, y.shape())}, {.retain_graph = true, .allow_unused = true});
      for (size_t c = 0; c < checked.size(); ++c)
        analytic[r][c] = gs[c].defined() ? to_vector<double>(gs[c]) : std::vector<double>(xs[checked[c]].numel(), 0.0);
    }
  }

  // Numeric Jacobian by central differences, one column per input element.
  for (size_t c = 0; c < checked.size(); ++c) {
    Tensor x = xs[checked[c]];
    double* p = x.data<double>();
    for (int64_t j = 0; j < x.numel(); ++j) {
      const double saved = p[j];
      p[j] = saved + opt.eps;
      const auto plus = flat_outputs(f, xs);
      p[j] = saved - opt.eps;
      const auto minus = flat_outputs(f, xs);
      p[j] = saved;
      for (int64_t row = 0; row < rows; ++row) {
        const double numeric = (plus[row] - minus[row]) / (2 * opt.eps);
        const double a = analytic[row][c][j];
        if (!(std::abs(a - numeric) <= opt.atol + opt.rtol * std::abs(numeric)))
          return {false, "gradcheck: input " + std::to_string(checked[c]) + " element " + std::to_string(j) +
                             ", output element " + std::to_string(row) + ": analytic " + fmt(a) +
                             " vs numeric " + fmt(numeric)};
      }
    }
  }
  return {};
}

GradcheckResult gradcheck(const Fn1& f, const Tensor& x, GradcheckOptions opt) {
  return gradcheck([&](const std::vector<Tensor>& xs) { return std::vector<Tensor>{f(xs[0])}; }, {x}, opt);
}

GradcheckResult gradgradcheck(const Fn& f, const std::vector<Tensor>& inputs, GradcheckOptions opt, uint64_t seed) {
  // The outputs' shapes, for grad_outputs of the right size.
  std::vector<Tensor> ys;
  {
    GradModeGuard on(true);
    std::vector<Tensor> xs;
    for (const Tensor& x : inputs) xs.push_back(x.defined() ? detach(x).requires_grad_(x.requires_grad()) : x);
    ys = f(xs);
  }
  Generator gen(seed);
  std::vector<Tensor> all = inputs;
  for (const Tensor& y : ys) all.push_back(randn(y.shape(), {DType::f64, Device::cpu(), true}, &gen));
  const size_t n_in = inputs.size();
  Fn first_derivative = [&](const std::vector<Tensor>& args) {
    GradModeGuard on(true);  // also when gradcheck evaluates it for finite differences
    std::vector<Tensor> xs(args.begin(), args.begin() + n_in), vs(args.begin() + n_in, args.end());
    std::vector<Tensor> diff;
    for (size_t i = 0; i < n_in; ++i)
      if (inputs[i].defined() && inputs[i].requires_grad()) diff.push_back(xs[i]);
    auto outs = f(xs);
    auto gs = grad(outs, diff, vs, {.create_graph = true, .allow_unused = true});
    for (size_t i = 0; i < gs.size(); ++i)
      if (!gs[i].defined()) gs[i] = zeros_like(diff[i]);
    return gs;
  };
  return gradcheck(first_derivative, all, opt);
}

GradcheckResult gradgradcheck(const Fn1& f, const Tensor& x, GradcheckOptions opt, uint64_t seed) {
  return gradgradcheck([&](const std::vector<Tensor>& xs) { return std::vector<Tensor>{f(xs[0])}; }, {x}, opt,
                       seed);
}

}  // namespace nabla
