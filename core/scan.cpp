#include "core/scan.h"

#include <type_traits>
#include <vector>

#include "core/check.h"
#include "core/views.h"
#include "kernels/scan.h"

namespace nabla::prim {

Tensor cumsum(const Tensor& x, int64_t dim, bool reverse) {
  check_defined("cumsum", x);
  require_cpu("cumsum", {x});
  const int d = normalize_dim(dim, x.dim() == 0 ? 1 : x.dim(), "cumsum");
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  if (x.numel() == 0) return out;
  std::vector<int64_t> order;  // every dim but d, then d
  for (int64_t k = 0; k < x.dim(); ++k)
    if (k != d) order.push_back(k);
  if (x.dim() > 0) order.push_back(d);
  const Tensor xp = permute(x, order), op = permute(out, order);
  dispatch_number(x.dtype(), "cumsum", [&]<class T>() {
    if constexpr (std::is_same_v<T, uint8_t>) throw_dtype("cumsum", x.dtype(), "f32, f64 or i64");
    else kernels::cpu::cumsum<T>(op.view<T>(), xp.view<const T>(), reverse);
  });
  return out;
}

}  // namespace nabla::prim
