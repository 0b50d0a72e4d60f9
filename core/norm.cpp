#include "core/norm.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/check.h"
#include "core/copy.h"
#include "core/elementwise.h"
#include "core/factory.h"
#include "core/fused_act.h"
#include "core/views.h"
#include "kernels/cuda/norm.h"
#include "kernels/norm.h"

namespace nabla::prim {

namespace {
// An optional parameter (weight, bias, running stat): when defined, it must
// have x's dtype and device and the shape `want`.
void check_param(const char* op, const char* what, const Tensor& p, const Tensor& x, const Shape& want) {
  if (!p.defined()) return;
  if (p.dtype() != x.dtype() || !(p.device() == x.device()))
    throw_invalid(op, std::string(what) + " " + describe(p) + " must match the input's dtype and device, got input " +
                          describe(x));
  if (p.shape() != want)
    throw_invalid(op, "expected " + std::string(what) + " of shape " + str(want) + " for input " + describe(x) +
                          ", got " + describe(p));
}

struct Stats {
  Tensor out, mean, rstd, var;
};

// Normalises x over every dim but the first `kept` of the permutation
// `order`; w and b are expanded to x's shape or undefined. The statistics
// have the shape of the kept dims.
Stats normalize(const char* op, const Tensor& x, const std::vector<int64_t>& order, int kept, const Tensor& w,
                const Tensor& b, double eps, bool want_var, kernels::Activation act = {}) {
  Shape groups;
  for (int i = 0; i < kept; ++i) groups.push_back(x.shape()[order[i]]);
  Stats s{make_tensor(x.shape(), x.dtype(), x.device()), make_tensor(groups, x.dtype(), x.device()),
          make_tensor(groups, x.dtype(), x.device()),
          want_var ? make_tensor(groups, x.dtype(), x.device()) : Tensor()};
  dispatch_float(x.dtype(), op, [&]<class T>() {
    auto optional = [&](const Tensor& t) {
      return t.defined() ? permute(t, order).view<const T>() : kernels::View<const T>{};
    };
    const auto var = s.var.defined() ? s.var.view<T>() : kernels::View<T>{};
    if (x.device().is_cuda())
      kernels::cuda::norm_forward<T>(permute(s.out, order).view<T>(), s.mean.view<T>(), s.rstd.view<T>(), var,
                                     permute(x, order).view<const T>(), optional(w), optional(b), eps);
    else
      kernels::cpu::norm_forward<T>(permute(s.out, order).view<T>(), s.mean.view<T>(), s.rstd.view<T>(), var,
                                    permute(x, order).view<const T>(), optional(w), optional(b), eps, act);
  });
  return s;
}

Tensor scalar_of(double v, const Tensor& like) { return scalar(v, Options::like(like)); }

// running = (1 - momentum) running + momentum batch, in place.
void blend_(const Tensor& running, const Tensor& batch, double momentum) {
  const Tensor kept = binary(Binary::mul, running, scalar_of(1 - momentum, running));
  copy_(running, binary(Binary::add, kept, binary(Binary::mul, batch, scalar_of(momentum, batch))));
}
}  // namespace

NormResult batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                      const Tensor& running_var, bool training, double momentum, double eps) {
  return batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps, kernels::Activation{});
}

NormResult batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                      const Tensor& running_var, bool training, double momentum, double eps, kernels::Activation act) {
  const char* op = "batch_norm";
  check_defined(op, x);
  if (x.dim() < 2) throw_invalid(op, "expected an input of shape [N, C] or [N, C, *], got " + describe(x));
  const int64_t C = x.shape()[1];
  check_param(op, "weight", weight, x, {C});
  check_param(op, "bias", bias, x, {C});
  check_param(op, "running_mean", running_mean, x, {C});
  check_param(op, "running_var", running_var, x, {C});
  if (running_mean.defined() != running_var.defined())
    throw_invalid(op, "running_mean and running_var must both be given or both be undefined");
  require_cuda_float(op, {x, weight, bias, running_mean, running_var});
  const int64_t count = C > 0 ? x.numel() / C : 0;

  Shape channel(x.dim(), 1);  // [1, C, 1, ...]: a per-channel tensor broadcast against x
  channel[1] = C;
  auto per_channel = [&](const Tensor& t) { return t.defined() ? expand(view(t, channel), x.shape()) : t; };

  if (training || !running_mean.defined()) {
    if (training && count <= 1)
      throw_invalid(op, "expected more than 1 value per channel when training, got input " + describe(x));
    std::vector<int64_t> order{1, 0};  // channel first, then N and the spatial dims
    for (int64_t d = 2; d < x.dim(); ++d) order.push_back(d);
    const bool update = training && running_mean.defined();
    const bool epilogue = x.device().is_cpu();  // the CUDA kernel has no activation: a pass below
    Stats s = normalize(op, x, order, 1, per_channel(weight), per_channel(bias), eps, update,
                        epilogue ? act : kernels::Activation{});
    if (!epilogue) activate_(s.out, act);
    if (update) {
      blend_(running_mean, s.mean, momentum);
      // Bessel's correction: the running variance estimates the population's.
      blend_(running_var, binary(Binary::mul, s.var, scalar_of(count / (count - 1.0), x)), momentum);
    }
    return {s.out, s.mean, s.rstd};
  }

  // Eval: out = x * scale + shift with scale = w rstd, shift = b - mean scale.
  const Tensor rstd = unary(Unary::rsqrt, binary(Binary::add, running_var, scalar_of(eps, x)));
  const Tensor scale = weight.defined() ? binary(Binary::mul, weight, rstd) : rstd;
  const Tensor shift = binary(Binary::sub, bias.defined() ? bias : zeros({C}, Options::like(x)),
                              binary(Binary::mul, running_mean, scale));
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  dispatch_float(x.dtype(), op, [&]<class T>() {
    const auto a = per_channel(scale).view<const T>(), b = per_channel(shift).view<const T>();
    if (x.device().is_cuda()) kernels::cuda::scale_shift<T>(out.view<T>(), x.view<const T>(), a, b);
    else kernels::cpu::scale_shift<T>(out.view<T>(), x.view<const T>(), a, b);
  });
  activate_(out, act);
  return {out, clone(running_mean), rstd};
}

NormResult layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                      double eps) {
  const char* op = "layer_norm";
  check_defined(op, x);
  const int64_t k = static_cast<int64_t>(normalized_shape.size());
  if (k == 0) throw_invalid(op, "expected a non-empty normalized_shape for input " + describe(x));
  if (k > x.dim() || !std::equal(normalized_shape.begin(), normalized_shape.end(), x.shape().end() - k))
    throw_invalid(op, "normalized_shape " + str(normalized_shape) + " does not match the trailing dims of input " +
                          describe(x));
  check_param(op, "weight", weight, x, normalized_shape);
  check_param(op, "bias", bias, x, normalized_shape);
  require_cuda_float(op, {x, weight, bias});
  std::vector<int64_t> order(x.dim());
  for (int64_t d = 0; d < x.dim(); ++d) order[d] = d;
  const auto full = [&](const Tensor& t) { return t.defined() ? expand(t, x.shape()) : t; };
  Stats s = normalize(op, x, order, static_cast<int>(x.dim() - k), full(weight), full(bias), eps, false);
  Shape stat_shape(x.shape().begin(), x.shape().end() - k);
  stat_shape.resize(x.dim(), 1);
  return {s.out, reshape(s.mean, stat_shape), reshape(s.rstd, stat_shape)};
}

}  // namespace nabla::prim
