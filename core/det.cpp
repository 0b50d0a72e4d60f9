#include "core/det.h"

#include "core/check.h"
#include "kernels/det.h"

namespace nabla::prim {

namespace {

void check_square(const char* op, const Tensor& a) {
  check_defined(op, a);
  require_cpu(op, {a});
  if (a.dim() < 2 || a.shape()[a.dim() - 1] != a.shape()[a.dim() - 2])
    throw_invalid(op, "expected square matrices [..., n, n], got " + describe(a));
}

}  // namespace

std::pair<Tensor, Tensor> slogdet(const Tensor& a) {
  check_square("slogdet", a);
  const Shape batch(a.shape().begin(), a.shape().end() - 2);
  Tensor sign = make_tensor(batch, a.dtype(), a.device());
  Tensor logabsdet = make_tensor(batch, a.dtype(), a.device());
  if (sign.numel() == 0) return {sign, logabsdet};
  dispatch_float(a.dtype(), "slogdet", [&]<class T>() {
    kernels::cpu::slogdet<T>(sign.view<T>(), logabsdet.view<T>(), a.view<const T>());
  });
  return {sign, logabsdet};
}

Tensor inverse(const Tensor& a) {
  check_square("inverse", a);
  Tensor out = make_tensor(a.shape(), a.dtype(), a.device());
  if (a.numel() == 0) return out;
  bool ok = true;
  dispatch_float(a.dtype(), "inverse", [&]<class T>() { ok = kernels::cpu::inverse<T>(out.view<T>(), a.view<const T>()); });
  if (!ok) throw_invalid("inverse", "singular matrix in " + describe(a));
  return out;
}

}  // namespace nabla::prim
