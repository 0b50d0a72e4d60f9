#include "autograd/scan.h"

#include "autograd/record.h"
#include "core/scan.h"

namespace nabla {

// y_j = sum_{i <= j} x_i, so dL/dx_i = sum_{j >= i} g_j: a reverse cumsum,
// itself this differentiable op, so every order of derivative works.
Tensor cumsum(const Tensor& x, int64_t dim, bool reverse) {
  Tensor y = prim::cumsum(x, dim, reverse);
  return record("cumsum", y, {x}, {}, [dim, reverse](const VjpContext& c) -> Grads {
    return {cumsum(c.grad, dim, !reverse)};
  });
}

}  // namespace nabla
