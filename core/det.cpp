#include "core/det.h"

#include "core/check.h"
#include "kernels/cuda/det.h"
#include "kernels/det.h"

namespace nabla::prim {

namespace {
void check_square(const char* op, const Tensor& a) {
  check_defined(op, a);
  if (a.dim() < 2 || a.shape()[a.dim() - 1] != a.shape()[a.dim() - 2])
    throw_invalid(op, "expected square matrices [..., n, n], got " + describe(a));
}
}  // namespace

std::pair<Tensor, Tensor> slogdet(const Tensor& a) {
  check_square("slogdet", a);
  const Shape batch(a.shape().begin(), a.shape().end() - 2);
  Tensor sign = make_tensor(batch, a.dtype(), a.device());
  Tensor logabs = make_tensor(batch, a.dtype(), a.device());
  if (sign.numel() == 0) return {sign, logabs};
  dispatch_float(a.dtype(), "slogdet", [&]<class T>() {
    if (a.device().is_cuda())
      kernels::cuda::slogdet<T>(sign.view<T>(), logabs.view<T>(), a.view<const T>());
    else
      kernels::cpu::slogdet<T>(sign.view<T>(), logabs.view<T>(), a.view<const T>());
  });
  return {sign, logabs};
}

Tensor inv(const Tensor& a) {
  check_square("inv", a);
  Tensor out = make_tensor(a.shape(), a.dtype(), a.device());
  if (out.numel() == 0) return out;
  dispatch_float(a.dtype(), "inv", [&]<class T>() {
    if (a.device().is_cuda())
      kernels::cuda::inverse<T>(out.view<T>(), a.view<const T>());
    else
      kernels::cpu::inverse<T>(out.view<T>(), a.view<const T>());
  });
  return out;
}

}  // namespace nabla::prim
