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

namespace {
void adam_update(const Tensor& param, const Tensor& exp_avg, const Tensor& exp_avg_sq, const Tensor& grad,
                 const AdamStep& step, const double* device_scalars) {
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
                                  step, device_scalars);
    else
      kernels::cpu::adam_step<T>(param.view<T>(), exp_avg.view<T>(), exp_avg_sq.view<T>(), grad.view<const T>(),
                                 step);
  });
  param.bump_version();
  exp_avg.bump_version();
  exp_avg_sq.bump_version();
}
}  // namespace

void adam_step_(const Tensor& param, const Tensor& exp_avg, const Tensor& exp_avg_sq, const Tensor& grad,
                const AdamStep& step) {
  adam_update(param, exp_avg, exp_avg_sq, grad, step, nullptr);
}

void adam_step_(const Tensor& param, const Tensor& exp_avg, const Tensor& exp_avg_sq, const Tensor& grad,
                const AdamStep& step, const Tensor& step_scalars) {
  const char* op = "adam_step_";
  check_defined(op, param);
  check_defined(op, step_scalars);
  if (step_scalars.dtype() != DType::f64 || step_scalars.numel() != 2 || !step_scalars.is_contiguous())
    throw_invalid(op, "expected step_scalars of 2 contiguous f64 elements, got " + describe(step_scalars));
  check_same_device(op, {param, step_scalars});
  const double* scalars = static_cast<const double*>(step_scalars.data_ptr());
  if (param.device().is_cuda()) return adam_update(param, exp_avg, exp_avg_sq, grad, step, scalars);
  AdamStep host = step;
  host.bias_correction2_sqrt = scalars[0];
  host.neg_step_size = scalars[1];
  adam_update(param, exp_avg, exp_avg_sq, grad, host, nullptr);
}

}  // namespace nabla::prim
