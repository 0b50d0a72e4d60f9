#include "core/bn_backward.h"

#include "core/check.h"
#include "core/copy.h"
#include "core/dtype.h"
#include "core/factory.h"
#include "kernels/bn_backward.h"
#include "kernels/cpu/reduce_loop.h"

namespace nabla::prim {

namespace {
kernels::NCS ncs(const Tensor& x) {
  kernels::NCS sh{x.size(0), x.size(1), 1};
  for (int64_t d = 2; d < x.dim(); ++d) sh.s *= x.size(d);
  return sh;
}
}  // namespace

bool batch_norm_grad_applies(const Tensor& x) {
  if (!x.defined() || x.dim() < 2 || !x.device().is_cpu()) return false;
  if (x.dtype() != DType::f32 && x.dtype() != DType::f64) return false;
  const kernels::NCS sh = ncs(x);
  return !(sh.c < kernels::cpu::kFewOutputs && sh.n * sh.s >= 2 * kernels::cpu::kReduceChunk);
}

BatchNormGrads batch_norm_grad(const Tensor& g, const Tensor& x, const Tensor& weight, const Tensor& mean,
                               const Tensor& rstd, bool want_input, bool want_weight, bool want_bias) {
  const char* op = "batch_norm_grad";
  check_defined(op, g);
  check_defined(op, x);
  check_defined(op, mean);
  check_defined(op, rstd);
  if (x.dim() < 2 || g.shape() != x.shape())
    throw_invalid(op, "expected a gradient and an input of one shape [N, C, *], got " + describe(g) + " and " +
                          describe(x));
  const Shape channels{x.size(1)};
  for (const Tensor* t : {&weight, &mean, &rstd})
    if (t->defined() && t->shape() != channels)
      throw_invalid(op, "expected weight, mean and rstd of shape " + str(channels) + " for input " + describe(x) +
                            ", got " + describe(*t));
  if (weight.defined()) check_same_dtype(op, {g, x, weight, mean, rstd});
  else check_same_dtype(op, {g, x, mean, rstd});
  require_cpu(op, {g, x, mean, rstd});
  if (weight.defined()) require_cpu(op, {weight});
  const kernels::NCS sh = ncs(x);
  const Tensor gc = contiguous(g), xc = contiguous(x), mc = contiguous(mean), rc = contiguous(rstd);
  const Tensor wc = weight.defined() ? contiguous(weight) : Tensor();
  BatchNormGrads r;
  if (want_input) r.grad_input = make_tensor(x.shape(), x.dtype(), x.device());
  if (want_weight) r.grad_weight = make_tensor(channels, x.dtype(), x.device());
  if (want_bias) r.grad_bias = make_tensor(channels, x.dtype(), x.device());
  dispatch_float(x.dtype(), op, [&]<class T>() {
    auto out = [](const Tensor& t) { return t.defined() ? t.data<T>() : nullptr; };
    kernels::cpu::batch_norm_backward<T>(out(r.grad_input), out(r.grad_weight), out(r.grad_bias), gc.data<T>(),
                                         xc.data<T>(), wc.defined() ? wc.data<T>() : nullptr, mc.data<T>(),
                                         rc.data<T>(), sh);
  });
  return r;
}

}  // namespace nabla::prim
