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

Tensor logabsdet(const Tensor& a) {
  return record("logabsdet", prim::slogdet(a).second, {a}, {a}, [](const VjpContext& c) -> Grads {
    return {unsqueeze(unsqueeze(c.grad, -1), -1) * mT(inverse(c.saved[0]))};
  });
}

std::pair<Tensor, Tensor> slogdet(const Tensor& a) { return {prim::slogdet(a).first, logabsdet(a)}; }

Tensor inverse(const Tensor& a) {
  Tensor y = prim::inverse(a);
  return record("inverse", y, {a}, {y}, [](const VjpContext& c) -> Grads {
    const Tensor yt = mT(c.saved[0]);
    return {-matmul(yt, matmul(c.grad, yt))};
  });
}

}  // namespace nabla
