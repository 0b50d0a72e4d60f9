#include "core/svdvals.h"

#include <algorithm>

#include "core/check.h"
#include "kernels/cuda/svdvals.h"
#include "kernels/svdvals.h"

namespace nabla::prim {

Tensor svdvals(const Tensor& a) {
  check_defined("svdvals", a);
  if (a.dim() < 2) throw_invalid("svdvals", "expected matrices [..., m, k], got " + describe(a));
  Shape shape(a.shape().begin(), a.shape().end() - 2);
  shape.push_back(std::min(a.shape()[a.dim() - 2], a.shape()[a.dim() - 1]));
  Tensor s = make_tensor(shape, a.dtype(), a.device());
  if (s.numel() == 0) return s;
  dispatch_float(a.dtype(), "svdvals", [&]<class T>() {
    if (a.device().is_cuda())
      kernels::cuda::svdvals<T>(s.view<T>(), a.view<const T>());
    else
      kernels::cpu::svdvals<T>(s.view<T>(), a.view<const T>());
  });
  return s;
}

}  // namespace nabla::prim
