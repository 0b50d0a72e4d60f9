#include "core/eigh.h"

#include "core/check.h"
#include "kernels/cuda/eigh.h"
#include "kernels/eigh.h"

namespace nabla::prim {

std::pair<Tensor, Tensor> eigh(const Tensor& a) {
  check_defined("eigh", a);
  if (a.dim() < 2 || a.shape()[a.dim() - 1] != a.shape()[a.dim() - 2])
    throw_invalid("eigh", "expected square matrices [..., n, n], got " + describe(a));
  Shape value_shape(a.shape().begin(), a.shape().end() - 1);
  Tensor values = make_tensor(value_shape, a.dtype(), a.device());
  Tensor vectors = make_tensor(a.shape(), a.dtype(), a.device());
  if (a.numel() == 0) return {values, vectors};
  dispatch_float(a.dtype(), "eigh", [&]<class T>() {
    const auto run = a.device().is_cuda() ? kernels::cuda::eigh<T> : kernels::cpu::eigh<T>;
    run(values.view<T>(), vectors.view<T>(), a.view<const T>());
  });
  return {values, vectors};
}

}  // namespace nabla::prim
