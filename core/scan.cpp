#include "core/scan.h"

#include <vector>

#include "core/check.h"
#include "core/views.h"
#include "kernels/cuda/scan.h"
#include "kernels/scan.h"

namespace nabla::prim {

Tensor cumsum(const Tensor& x, int64_t dim, bool reverse) {
  check_defined("cumsum", x);
  const int d = normalize_dim(dim, x.dim() == 0 ? 1 : x.dim(), "cumsum");
  if (x.dtype() != DType::f32 && x.dtype() != DType::f64 && x.dtype() != DType::i64)
    throw_dtype("cumsum", x.dtype(), "f32, f64 or i64");
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  if (x.numel() == 0) return out;
  std::vector<int64_t> order;  // every dim but d, then d
  for (int64_t k = 0; k < x.dim(); ++k)
    if (k != d) order.push_back(k);
  if (x.dim() > 0) order.push_back(d);
  const Tensor xp = permute(x, order), op = permute(out, order);
  auto run = [&]<class T>() {
    if (x.device().is_cuda()) return kernels::cuda::cumsum<T>(op.view<T>(), xp.view<const T>(), reverse);
    kernels::cpu::cumsum<T>(op.view<T>(), xp.view<const T>(), reverse);
  };
  if (x.dtype() == DType::f32) run.operator()<float>();
  else if (x.dtype() == DType::f64) run.operator()<double>();
  else run.operator()<int64_t>();
  return out;
}

}  // namespace nabla::prim
