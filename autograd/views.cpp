#include "autograd/views.h"

#include "autograd/record.h"
#include "autograd/reduce.h"
#include "core/check.h"
#include "core/copy.h"
#include "core/factory.h"
#include "core/views.h"

namespace nabla {

namespace {
// A view whose gradient is g reshaped back to the input's shape.
Tensor reshaping(const char* op, const Tensor& x, Tensor y) {
  return record(op, y, {x}, {}, [shape = x.shape()](const VjpContext& c) -> Grads {
    return {reshape(c.grad, shape)};
  });
}
}  // namespace

Tensor view(const Tensor& x, Shape shape) { return reshaping("view", x, prim::view(x, std::move(shape))); }
Tensor reshape(const Tensor& x, Shape shape) {
  return reshaping("reshape", x, prim::reshape(x, std::move(shape)));
}
Tensor squeeze(const Tensor& x) { return reshaping("squeeze", x, prim::squeeze(x)); }
Tensor squeeze(const Tensor& x, int64_t dim) { return reshaping("squeeze", x, prim::squeeze(x, dim)); }
Tensor unsqueeze(const Tensor& x, int64_t dim) { return reshaping("unsqueeze", x, prim::unsqueeze(x, dim)); }
Tensor flatten(const Tensor& x, int64_t s, int64_t e) { return reshaping("flatten", x, prim::flatten(x, s, e)); }

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  Tensor y = prim::permute(x, dims);
  std::vector<int64_t> inverse(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) inverse[normalize_dim(dims[i], x.dim(), "permute")] = i;
  return record("permute", y, {x}, {}, [inverse](const VjpContext& c) -> Grads {
    return {permute(c.grad, inverse)};
  });
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  return permute(x, prim::transpose_dims(x, dim0, dim1));
}

Tensor t(const Tensor& x) {
  check_defined("t", x);
  if (x.dim() != 2) throw_invalid("t", "expected a 2-D tensor, got " + describe(x));
  return transpose(x, 0, 1);
}

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  Tensor y = prim::slice(x, dim, start, end, step);
  const int d = normalize_dim(dim, x.dim(), "slice");
  const auto [first, last] = prim::slice_bounds(x.shape()[d], start, end);
  return record("slice", y, {x}, {}, [shape = x.shape(), d, first, last, step](const VjpContext& c) -> Grads {
    return {slice_backward(c.grad, shape, d, first, last, step)};
  });
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  prim::narrow(x, dim, start, length);  // bounds checks with narrow's message
  const int d = normalize_dim(dim, x.dim(), "narrow");
  if (start < 0) start += x.shape()[d];
  return slice(x, d, start, start + length);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  check_defined("select", x);
  const int d = normalize_dim(dim, x.dim(), "select");
  const int64_t n = x.shape()[d];
  if (index < -n || index >= n)
    throw_invalid("select", "index " + std::to_string(index) + " out of range for dim " + std::to_string(d) +
                                " of " + describe(x));
  if (index < 0) index += n;
  return squeeze(slice(x, d, index, index + 1), d);
}

Tensor slice_backward(const Tensor& g, const Shape& shape, int64_t dim, int64_t start, int64_t end,
                      int64_t step) {
  Tensor out = zeros(shape, Options::like(g));
  prim::copy_(prim::slice(out, dim, start, end, step), g);
  return record("slice_backward", out, {g}, {}, [dim, start, end, step](const VjpContext& c) -> Grads {
    return {slice(c.grad, dim, start, end, step)};
  });
}

Tensor expand(const Tensor& x, const Shape& shape) {
  Tensor y = prim::expand(x, shape);
  return record("expand", y, {x}, {}, [in = x.shape()](const VjpContext& c) -> Grads {
    return {sum_to(c.grad, in)};
  });
}
Tensor broadcast_to(const Tensor& x, const Shape& shape) { return expand(x, shape); }

Tensor contiguous(const Tensor& x) {
  return record("contiguous", prim::contiguous(x), {x}, {},
                [](const VjpContext& c) -> Grads { return {c.grad}; });
}
Tensor clone(const Tensor& x) {
  return record("clone", prim::clone(x), {x}, {}, [](const VjpContext& c) -> Grads { return {c.grad}; });
}
Tensor to(const Tensor& x, DType dtype) {
  return record("to(dtype)", prim::to(x, dtype), {x}, {}, [from = x.dtype()](const VjpContext& c) -> Grads {
    return {to(c.grad, from)};
  });
}
Tensor to(const Tensor& x, Device device) {
  return record("to(device)", prim::to(x, device), {x}, {}, [from = x.device()](const VjpContext& c) -> Grads {
    return {to(c.grad, from)};
  });
}

Tensor detach(const Tensor& x) {
  check_defined("detach", x);
  return make_view(x, x.shape(), x.strides(), x.offset());
}

}  // namespace nabla
