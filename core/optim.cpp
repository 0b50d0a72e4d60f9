#include "core/optim.h"

#include "core/check.h"
#include "kernels/cuda/optim.h"

namespace nabla::prim {

namespace {
void check_writable(const char* op, const Tensor& t) {
  for (int64_t d = 0; d < t.dim(); ++d)
    if (t.strides()[d] == 0 && t.shape()[d] > 1)
      throw_invalid(op, "cannot write in place into a broadcast view " + describe(t));
}
}  // namespace

void adam_step_(const Tensor& param, const Tensor& exp_avg, const Tensor& exp_avg_sq, const Tensor& grad,
                const AdamStep& step) {
  const char* op = "adam_step_";
  for (const Tensor* t : {&param, &exp_avg, &exp_avg_sq, &grad}) check_defined(op, *t);
  check_same_dtype(op, {param, exp_avg, exp_avg_sq, grad});
  check_same_device(op, {param, exp_avg, exp_avg_sq, grad});
  for (const Tensor* t : {&exp_avg, &exp_avg_sq, &grad})
    if (t->shape() != param.shape())
      throw_invalid(op, "expected every operand of the parameter's shape, got param " + describe(param) + " and " +
                            describe(*t));
  for (const Tensor* t : {&param, &exp_avg, &exp_avg_sq}) check_writable(op, *t);
  if (param.storage() == exp_avg.storage() || param.storage() == exp_avg_sq.storage() ||
      exp_avg.storage() == exp_avg_sq.storage())
    throw_invalid(op, "param, exp_avg and exp_avg_sq must not share memory");
  dispatch_float(param.dtype(), op, [&]<class T>() {
    if (param.device().is_cuda())
      kernels::cuda::adam_step<T>(param.view<T>(), exp_avg.view<T>(), exp_avg_sq.view<T>(), grad.view<const T>(),
                                  step);
    else
      kernels::cpu::adam_step<T>(param.view<T>(), exp_avg.view<T>(), exp_avg_sq.view<T>(), grad.view<const T>(),
                                 step);
  });
  param.bump_version();
  exp_avg.bump_version();
  exp_avg_sq.bump_version();
}

}  // namespace nabla::prim
