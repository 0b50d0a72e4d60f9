#include "core/reduce.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/check.h"
#include "core/copy.h"
#include "core/elementwise.h"
#include "core/views.h"
#include "kernels/cuda/reduce.h"

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

// x permuted so that the reduced dims come last, and the kernel's output shape.
struct Plan {
  Tensor xp;
  Shape kept;
  Shape result;  // the shape the caller sees (keepdim applied)
};

Plan plan(const char* op, const Tensor& x, const Dims& dims, bool keepdim) {
  check_defined(op, x);
  const std::vector<int> red = normalize_dims(dims, x.dim(), op);
  std::vector<int64_t> order;
  for (int d = 0; d < x.dim(); ++d)
    if (std::find(red.begin(), red.end(), d) == red.end()) order.push_back(d);
  Shape kept;
  for (int64_t d : order) kept.push_back(x.shape()[d]);
  for (int d : red) order.push_back(d);
  return {permute(x, order), kept, reduced_shape(x.shape(), red, keepdim)};
}

// Runs f<T>() for f32, f64 and i64; other dtypes get "<op>: expected ...".
template <class F>
void dispatch_reducible(const Tensor& x, const char* op, F&& f) {
  switch (x.dtype()) {
    case DType::f32: return f.template operator()<float>();
    case DType::f64: return f.template operator()<double>();
    case DType::i64: return f.template operator()<int64_t>();
    default: throw_dtype(op, x.dtype(), "f32, f64 or i64");
  }
}

void require_nonempty(const char* op, const Tensor& x, const Plan& p) {
  if (p.xp.numel() == 0 && numel(p.kept) != 0)
    throw_invalid(op, "cannot reduce over a zero-size dim of " + describe(x) + " (the op has no identity)");
}

Tensor reduce(const char* op_name, Reduce op, const Tensor& x, const Dims& dims, bool keepdim,
              kernels::ReduceArgs args = {}) {
  // bf16: the float kernel (double accumulators for sums), rounded once.
  if (is_bf16(x)) return round_bf16(reduce(op_name, op, promote_f32(x), dims, keepdim, args));
  const Plan p = plan(op_name, x, dims, keepdim);
  Tensor out = make_tensor(p.kept, x.dtype(), x.device());
  auto run = [&]<class T>() {
    if (x.device().is_cuda()) return kernels::cuda::reduce<T>(op, out.view<T>(), p.xp.view<const T>(), args);
    kernels::cpu::reduce<T>(op, out.view<T>(), p.xp.view<const T>(), args);
  };
  if (op == Reduce::sum || op == Reduce::prod || op == Reduce::max || op == Reduce::min)
    dispatch_reducible(x, op_name, run);
  else
    dispatch_float(x.dtype(), op_name, run);
  return reshape(out, p.result);
}

std::pair<Tensor, Tensor> arg_reduce(const char* op_name, Reduce op, const Tensor& x, const Dims& dims,
                                     bool keepdim) {
  if (is_bf16(x)) {
    const std::pair<Tensor, Tensor> r = arg_reduce(op_name, op, promote_f32(x), dims, keepdim);
    return {round_bf16(r.first), r.second};
  }
  const Plan p = plan(op_name, x, dims, keepdim);
  require_nonempty(op_name, x, p);
  Tensor values = make_tensor(p.kept, x.dtype(), x.device());
  Tensor index = make_tensor(p.kept, DType::i64, x.device());
  dispatch_reducible(x, op_name, [&]<class T>() {
    if (x.device().is_cuda())
      return kernels::cuda::arg_reduce<T>(op, index.view<int64_t>(), values.view<T>(), p.xp.view<const T>());
    kernels::cpu::arg_reduce<T>(op, index.view<int64_t>(), values.view<T>(), p.xp.view<const T>());
  });
  return {reshape(values, p.result), reshape(index, p.result)};
}
}  // namespace

Tensor sum(const Tensor& x, const Dims& dims, bool keepdim) {
  return reduce("sum", Reduce::sum, x, dims, keepdim);
}
Tensor prod(const Tensor& x, const Dims& dims, bool keepdim) {
  return reduce("prod", Reduce::prod, x, dims, keepdim);
}
Tensor max(const Tensor& x, const Dims& dims, bool keepdim) {
  require_nonempty("max", x, plan("max", x, dims, keepdim));
  return reduce("max", Reduce::max, x, dims, keepdim);
}
Tensor min(const Tensor& x, const Dims& dims, bool keepdim) {
  require_nonempty("min", x, plan("min", x, dims, keepdim));
  return reduce("min", Reduce::min, x, dims, keepdim);
}
Tensor argmax(const Tensor& x, const Dims& dims, bool keepdim) {
  return arg_reduce("argmax", Reduce::max, x, dims, keepdim).second;
}
Tensor argmin(const Tensor& x, const Dims& dims, bool keepdim) {
  return arg_reduce("argmin", Reduce::min, x, dims, keepdim).second;
}
std::pair<Tensor, Tensor> max_with_indices(const Tensor& x, const Dims& dims, bool keepdim) {
  return arg_reduce("max_with_indices", Reduce::max, x, dims, keepdim);
}
std::pair<Tensor, Tensor> min_with_indices(const Tensor& x, const Dims& dims, bool keepdim) {
  return arg_reduce("min_with_indices", Reduce::min, x, dims, keepdim);
}

Tensor logsumexp(const Tensor& x, const Dims& dims, bool keepdim) {
  return reduce("logsumexp", Reduce::logsumexp, x, dims, keepdim);
}

Tensor norm(const Tensor& x, double p, const Dims& dims, bool keepdim) {
  if (!(p > 0)) throw_invalid("norm", "expected p > 0 (or INFINITY), got p = " + std::to_string(p));
  return reduce("norm", Reduce::norm, x, dims, keepdim, {.p = p});
}

Tensor var(const Tensor& x, const Dims& dims, bool keepdim, double correction) {
  if (!(correction >= 0)) throw_invalid("var", "expected correction >= 0, got " + std::to_string(correction));
  return reduce("var", Reduce::var, x, dims, keepdim, {.correction = correction});
}

Tensor std(const Tensor& x, const Dims& dims, bool keepdim, double correction) {
  check_defined("std", x);
  if (!is_floating(x.dtype())) throw_dtype("std", x.dtype(), "a floating dtype (f32, f64)");
  return unary(Unary::sqrt, var(x, dims, keepdim, correction));
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
