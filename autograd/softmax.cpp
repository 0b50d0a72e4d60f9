#include "autograd/softmax.h"

#include "autograd/elementwise.h"
#include "autograd/record.h"
#include "autograd/reduce.h"
#include "core/softmax.h"

namespace nabla {

// The saved output y carries its own history when unpacked, so these vjps
// differentiate again (the Hessian of softmax involves y twice).
Tensor softmax(const Tensor& x, int64_t dim) {
  Tensor y = prim::softmax(x, dim);
  return record("softmax", y, {x}, {y}, [dim](const VjpContext& c) -> Grads {
    const Tensor& y = c.saved[0];
    if (y.dim() == 0) return {c.grad * 0.0};
    return {y * (c.grad - sum(c.grad * y, {dim}, true))};
  });
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  Tensor y = prim::log_softmax(x, dim);
  return record("log_softmax", y, {x}, {y}, [dim](const VjpContext& c) -> Grads {
    const Tensor& y = c.saved[0];
    if (y.dim() == 0) return {c.grad * 0.0};
    return {c.grad - exp(y) * sum(c.grad, {dim}, true)};
  });
}

}  // namespace nabla
