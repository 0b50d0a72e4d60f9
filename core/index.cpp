// Front-ends of gather, scatter_add, index_select, index_add, one_hot, flip.
#include "core/index.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/check.h"
#include "core/copy.h"
#include "core/factory.h"
#include "kernels/cuda/index.h"
#include "kernels/index.h"

namespace nabla::prim {

namespace {

void require_index(const char* op, const Tensor& index) {
  if (index.dtype() != DType::i64) throw_invalid(op, "expected an i64 index, got " + describe(index));
}

// A CUDA index is checked on a host copy (one synchronising copy per call).
Tensor on_host(const Tensor& index) { return to(index, Device::cpu()); }

// Throws "<op>: index v out of range for dim d of size n" for the first bad entry.
void check_in_range(const char* op, const Tensor& index, int64_t dim, int64_t size) {
  int64_t bad = 0;
  if (kernels::cpu::find_out_of_range(on_host(index).view<const int64_t>(), size, &bad))
    throw_invalid(op, "index " + std::to_string(bad) + " out of range for dim " + std::to_string(dim) + " of size " +
                          std::to_string(size));
}

// gather and scatter_add: index has x's ndim and fits x outside dim.
void check_fits(const char* op, const Tensor& x, int dim, const Tensor& index) {
  if (index.dim() != x.dim())
    throw_invalid(op, "index " + describe(index) + " must have as many dims as " + describe(x));
  for (int d = 0; d < x.dim(); ++d)
    if (d != dim && index.shape()[d] > x.shape()[d])
      throw_invalid(op, "index " + describe(index) + " is larger than " + describe(x) + " in dim " + std::to_string(d));
}

// A view of the 1-D `index` laid along dim of a tensor of `shape` (stride 0 elsewhere).
kernels::View<const int64_t> spread_index(const Tensor& index, const Shape& shape, int dim) {
  kernels::View<const int64_t> v;
  v.data = index.data<int64_t>();
  v.ndim = static_cast<int>(shape.size());
  for (int d = 0; d < v.ndim; ++d) v.size[d] = shape[d], v.stride[d] = d == dim ? index.strides()[0] : 0;
  return v;
}

// `t`'s view with the sizes of `shape` (no larger in any dim): a corner of t.
template <class T>
kernels::View<const T> corner(const Tensor& t, const Shape& shape) {
  auto v = t.view<const T>();
  for (int d = 0; d < v.ndim; ++d) v.size[d] = shape[d];
  return v;
}

void check_1d_index(const char* op, const Tensor& index) {
  check_defined(op, index);
  require_index(op, index);
  if (index.dim() != 1) throw_invalid(op, "expected a 1-D index, got " + describe(index));
}

// The checks each op on (x, dim, index[, src]) starts with, in this order: one
// device, one dtype for x and *src, CPU, an i64 index (1-D for index_select
// and index_add). Returns dim normalised for x.
int check_operands(const char* op, const Tensor& x, int64_t dim, const Tensor& index, const Tensor* src,
                   bool one_d) {
  if (src) {
    check_same_device(op, {x, index, *src});
    check_same_dtype(op, {x, *src});
  } else {
    check_same_device(op, {x, index});
  }
  if (one_d) check_1d_index(op, index);
  else require_index(op, index);
  return normalize_dim(dim, x.dim(), op);
}

// A new tensor of `shape`: x read along d at the positions `index` gives.
Tensor gather_along(const char* op, const Tensor& x, int d, const Shape& shape, kernels::View<const int64_t> index) {
  Tensor out = make_tensor(shape, x.dtype(), x.device());
  dispatch_all(x.dtype(), op, [&]<class T>() {
    if (x.device().is_cuda()) return kernels::cuda::gather<T>(out.view<T>(), x.view<const T>(), d, index);
    kernels::cpu::gather<T>(out.view<T>(), x.view<const T>(), d, index);
  });
  return out;
}

// A copy of x with the corner of src of index's sizes added along d at the
// positions `index` gives.
Tensor scatter_add_along(const char* op, const Tensor& x, int d, kernels::View<const int64_t> index,
                         const Tensor& src) {
  Tensor out = clone(x);
  const Shape sizes(index.size, index.size + index.ndim);
  dispatch_number(x.dtype(), op, [&]<class T>() {
    if (x.device().is_cuda()) return kernels::cuda::scatter_add<T>(out.view<T>(), d, index, corner<T>(src, sizes));
    kernels::cpu::scatter_add<T>(out.view<T>(), d, index, corner<T>(src, sizes));
  });
  return out;
}

}  // namespace

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  const int d = check_operands("gather", x, dim, index, nullptr, false);
  check_fits("gather", x, d, index);
  check_in_range("gather", index, d, x.shape()[d]);
  return gather_along("gather", x, d, index.shape(), index.view<const int64_t>());
}

Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  const int d = check_operands("scatter_add", x, dim, index, &src, false);
  check_fits("scatter_add", x, d, index);
  if (src.dim() != index.dim())
    throw_invalid("scatter_add", "src " + describe(src) + " must have as many dims as index " + describe(index));
  for (int k = 0; k < src.dim(); ++k)
    if (index.shape()[k] > src.shape()[k])
      throw_invalid("scatter_add", "index " + describe(index) + " is larger than src " + describe(src) +
                                       " in dim " + std::to_string(k));
  check_in_range("scatter_add", index, d, x.shape()[d]);
  return scatter_add_along("scatter_add", x, d, index.view<const int64_t>(), src);
}

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  const int d = check_operands("index_select", x, dim, index, nullptr, true);
  check_in_range("index_select", index, d, x.shape()[d]);
  Shape shape = x.shape();
  shape[d] = index.numel();
  return gather_along("index_select", x, d, shape, spread_index(index, shape, d));
}

Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source) {
  const int d = check_operands("index_add", x, dim, index, &source, true);
  Shape want = x.shape();
  want[d] = index.numel();
  if (source.shape() != want)
    throw_invalid("index_add", "expected source of shape " + str(want) + " for " + describe(x) + " and index " +
                                   describe(index) + ", got " + describe(source));
  check_in_range("index_add", index, d, x.shape()[d]);
  return scatter_add_along("index_add", x, d, spread_index(index, want, d), source);
}

Tensor one_hot(const Tensor& indices, int64_t num_classes, DType dtype) {
  check_defined("one_hot", indices);
  require_index("one_hot", indices);
  if (num_classes < -1) throw_invalid("one_hot", "num_classes must be -1 or >= 0, got " + std::to_string(num_classes));
  if (num_classes == -1) {
    if (indices.numel() == 0) throw_invalid("one_hot", "cannot infer num_classes from an empty tensor");
    const auto v = to_vector<int64_t>(on_host(indices));
    num_classes = *std::max_element(v.begin(), v.end()) + 1;
  }
  int64_t bad = 0;
  if (kernels::cpu::find_out_of_range(on_host(indices).view<const int64_t>(), num_classes, &bad))
    throw_invalid("one_hot", "class " + std::to_string(bad) + " out of range for num_classes " +
                                 std::to_string(num_classes));
  Shape shape = indices.shape();
  shape.push_back(num_classes);
  Tensor out = make_tensor(shape, dtype, indices.device());
  fill_(out, 0);
  dispatch_all(dtype, "one_hot", [&]<class T>() {
    if (out.device().is_cuda()) return kernels::cuda::one_hot<T>(out.view<T>(), indices.view<const int64_t>());
    kernels::cpu::one_hot<T>(out.view<T>(), indices.view<const int64_t>());
  });
  return out;
}

Tensor flip(const Tensor& x, const std::vector<int64_t>& dims) {
  check_defined("flip", x);
  uint32_t mask = 0;
  for (int64_t dim : dims) {
    const int d = normalize_dim(dim, x.dim(), "flip");
    if ((mask >> d) & 1u) throw_invalid("flip", "dim " + std::to_string(dim) + " appears twice in " + str(dims));
    mask |= 1u << d;
  }
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  dispatch_all(x.dtype(), "flip", [&]<class T>() {
    if (x.device().is_cuda()) return kernels::cuda::flip<T>(out.view<T>(), x.view<const T>(), mask);
    kernels::cpu::flip<T>(out.view<T>(), x.view<const T>(), mask);
  });
  return out;
}

}  // namespace nabla::prim
