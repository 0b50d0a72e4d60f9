// Jacobi's formula d log|det A| = tr(A^{-1} dA) gives the vjp g A^{-T} of
// log|det A|; d(A^{-1}) = -A^{-1} dA A^{-1} gives the vjp -A^{-T} G A^{-T}.
#include "autograd/det.h"

#include "autograd/elementwise.h"
#include "autograd/linalg.h"
#include "autograd/record.h"
#include "autograd/views.h"
#include "core/det.h"

namespace nabla {

namespace {
Tensor mT(const Tensor& x) { return transpose(x, -1, -2); }
}  // namespace

std::pair<Tensor, Tensor> slogdet(const Tensor& a) {
  auto [sign, logabs] = prim::slogdet(a);
  logabs = record("slogdet", logabs, {a}, {a}, [](const VjpContext& c) -> Grads {
    return {unsqueeze(unsqueeze(c.grad, -1), -1) * mT(inv(c.saved[0]))};
  });
  return {sign, logabs};
}

Tensor inv(const Tensor& a) {
  return record("inv", prim::inv(a), {a}, {a}, [](const VjpContext& c) -> Grads {
    const Tensor it = mT(inv(c.saved[0]));
    return {-matmul(matmul(it, c.grad), it)};
  });
}

}  // namespace nabla
