#include "core/softmax.h"

#include <vector>

#include "core/check.h"
#include "core/views.h"
#include "kernels/cuda/softmax.h"
#include "kernels/softmax.h"

namespace nabla::prim {

namespace {
Tensor run_softmax(const char* op, const Tensor& x, int64_t dim, bool log) {
  check_defined(op, x);
  require_cuda_float(op, {x});
  const int d = normalize_dim(dim, x.dim() == 0 ? 1 : x.dim(), op);
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  std::vector<int64_t> order;  // every dim but d, then d
  for (int64_t k = 0; k < x.dim(); ++k)
    if (k != d) order.push_back(k);
  if (x.dim() > 0) order.push_back(d);
  const Tensor xp = permute(x, order), op_view = permute(out, order);
  dispatch_float(x.dtype(), op, [&]<class T>() {
    if (x.numel() == 0) return;
    if (x.device().is_cuda()) kernels::cuda::softmax<T>(op_view.view<T>(), xp.view<const T>(), log);
    else kernels::cpu::softmax<T>(op_view.view<T>(), xp.view<const T>(), log);
  });
  return out;
}
}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) { return run_softmax("softmax", x, dim, false); }
Tensor log_softmax(const Tensor& x, int64_t dim) { return run_softmax("log_softmax", x, dim, true); }

}  // namespace nabla::prim
