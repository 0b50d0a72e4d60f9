#include "core/reduce.h"

#include <algorithm>
#include <type_traits>

#include "core/check.h"
#include "core/views.h"

namespace nabla::prim {

namespace {
// Shape of the result with the reduced dims removed, or kept as size 1.
Shape reduced_shape(const Shape& in, const std::vector<int>& dims, bool keepdim) {
  Shape out;
  size_t k = 0;
  for (int d = 0; d < static_cast<int>(in.size()); ++d) {
    const bool reduced = k < dims.size() && dims[k] == d;
    if (reduced) ++k;
    if (!reduced) out.push_back(in[d]);
    else if (keepdim) out.push_back(1);
  }
  return out;
}

// Runs the kernel for op on x permuted so that `dims` come last.
Tensor run_reduce(const char* op_name, Reduce op, const Tensor& x, const std::vector<int>& dims,
                  bool keepdim, DType out_dtype) {
  std::vector<int64_t> order;
  for (int d = 0; d < x.dim(); ++d)
    if (std::find(dims.begin(), dims.end(), d) == dims.end()) order.push_back(d);
  Shape kept;
  for (int64_t d : order) kept.push_back(x.shape()[d]);
  for (int d : dims) order.push_back(d);
  const Tensor xp = permute(x, order);
  Tensor out = make_tensor(kept, out_dtype, x.device());
  dispatch_number(x.dtype(), op_name, [&]<class T>() {
    if constexpr (std::is_same_v<T, uint8_t>) throw_dtype(op_name, x.dtype(), "f32, f64 or i64");
    else kernels::cpu::reduce<T>(op, out.view<T>(), xp.view<const T>());
  });
  return reshape(out, reduced_shape(x.shape(), dims, keepdim));
}
}  // namespace

Tensor sum(const Tensor& x, const Dims& dims, bool keepdim) {
  check_defined("sum", x);
  require_cpu("sum", {x});
  return run_reduce("sum", Reduce::sum, x, normalize_dims(dims, x.dim(), "sum"), keepdim, x.dtype());
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  check_defined("sum_to", x);
  if (x.shape() == shape) return x;
  const int64_t lead = x.dim() - static_cast<int64_t>(shape.size());
  if (lead < 0) throw_invalid("sum_to", "cannot sum " + describe(x) + " to the larger shape " + str(shape));
  Dims dims;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (d < lead) dims.push_back(d);
    else if (shape[d - lead] == 1 && x.shape()[d] != 1) dims.push_back(d);
    else if (shape[d - lead] != x.shape()[d])
      throw_invalid("sum_to", "cannot sum " + describe(x) + " to shape " + str(shape));
  }
  if (dims.empty()) return reshape(x, shape);
  return reshape(sum(x, dims, true), shape);
}

}  // namespace nabla::prim
