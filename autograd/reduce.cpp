#include "autograd/reduce.h"

#include "autograd/elementwise.h"
#include "autograd/record.h"
#include "autograd/views.h"
#include "core/reduce.h"

namespace nabla {

namespace {
// The gradient of a reduction, reshaped to keepdim form and broadcast back.
Tensor expand_reduced(const Tensor& g, const Shape& in_shape, const Dims& dims, bool keepdim) {
  if (keepdim || in_shape.empty()) return expand(g, in_shape);
  Shape kept = in_shape;
  for (int d : normalize_dims(dims, static_cast<int64_t>(in_shape.size()), "sum"))
    kept[d] = 1;
  return expand(reshape(g, kept), in_shape);
}
}  // namespace

Tensor sum(const Tensor& x, const Dims& dims, bool keepdim) {
  Tensor y = prim::sum(x, dims, keepdim);
  const Shape in_shape = x.shape();
  return record("sum", y, {x}, {}, [in_shape, dims, keepdim](const VjpContext& c) -> Grads {
    return {expand_reduced(c.grad, in_shape, dims, keepdim)};
  });
}

Tensor mean(const Tensor& x, const Dims& dims, bool keepdim) {
  int64_t count = 1;
  for (int d : normalize_dims(dims, x.dim(), "mean")) count *= x.shape()[d];
  return sum(x, dims, keepdim) / static_cast<double>(count);
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  Tensor y = prim::sum_to(x, shape);
  return record("sum_to", y, {x}, {}, [in_shape = x.shape()](const VjpContext& c) -> Grads {
    return {expand(c.grad, in_shape)};
  });
}

}  // namespace nabla
