#include "autograd/reduce.h"

#include <cmath>

#include "autograd/elementwise.h"
#include "autograd/record.h"
#include "autograd/views.h"
#include "core/check.h"
#include "core/reduce.h"

namespace nabla {

namespace {
// A reduction's result (or gradient) reshaped to keepdim form and broadcast
// back to the input's shape.
Tensor expand_reduced(const Tensor& g, const Shape& in_shape, const Dims& dims, bool keepdim) {
  if (keepdim || in_shape.empty()) return expand(g, in_shape);
  Shape kept = in_shape;
  for (int d : normalize_dims(dims, static_cast<int64_t>(in_shape.size()), "reduce")) kept[d] = 1;
  return expand(reshape(g, kept), in_shape);
}

int64_t reduced_count(const Tensor& x, const Dims& dims, const char* op) {
  int64_t n = 1;
  for (int d : normalize_dims(dims, x.dim(), op)) n *= x.shape()[d];
  return n;
}

// 1 where mask holds, else 0, in like's dtype.
Tensor indicator(const Tensor& mask, const Tensor& like) {
  return where(mask, scalar_like(1.0, like), scalar_like(0.0, like));
}

// g (broadcast) split evenly among the positions where `value` equals the
// reduction's result y: the vjp of max, min and the inf-norm.
Tensor split_among_ties(const Tensor& g, const Tensor& value, const Tensor& y, const Dims& dims,
                        bool keepdim) {
  const Tensor hit = indicator(eq(value, expand_reduced(y, value.shape(), dims, keepdim)), value);
  return expand_reduced(g, value.shape(), dims, keepdim) * hit / sum(hit, dims, true);
}

// y with its zeros replaced by one: a divisor that is safe where the
// quotient is multiplied by zero anyway.
Tensor safe_divisor(const Tensor& y) { return where(eq(y, scalar_like(0.0, y)), scalar_like(1.0, y), y); }

Tensor extremum(const char* name, const Tensor& x, const Tensor& y, const Dims& dims, bool keepdim) {
  return record(name, y, {x}, {x, y}, [dims, keepdim](const VjpContext& c) -> Grads {
    return {split_among_ties(c.grad, c.saved[0], c.saved[1], dims, keepdim)};
  });
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
  check_defined("mean", x);
  if (!is_floating(x.dtype())) throw_dtype("mean", x.dtype(), "a floating dtype (f32, f64)");
  return sum(x, dims, keepdim) / static_cast<double>(reduced_count(x, dims, "mean"));
}

// d prod / d x_i = prod_{j != i} x_j, written so that it also differentiates
// correctly (to second order) where x has zeros. With N the non-zero and Z
// the zero entries of a range, Pn = prod over N and Pz = prod over Z:
//   i in N: Pn / x_i * Pz      (Pz is 1, or 0 with the right derivative)
//   i in Z: Pn * prod_{Z - i}  = Pn * (1 | zsum - x_i | 0) for |Z| = 1 | 2 | more,
// where zsum = sum over Z (0 in value; its derivative picks the other zero).
Tensor prod(const Tensor& x, const Dims& dims, bool keepdim) {
  Tensor y = prim::prod(x, dims, keepdim);
  return record("prod", y, {x}, {x}, [dims, keepdim](const VjpContext& c) -> Grads {
    const Tensor& x = c.saved[0];
    const Shape& shape = x.shape();
    auto back = [&](const Tensor& t) { return expand_reduced(t, shape, dims, keepdim); };
    const Tensor zero = scalar_like(0.0, x), one = scalar_like(1.0, x);
    const Tensor is_zero = eq(x, zero);
    const Tensor x_safe = where(is_zero, one, x);
    const Tensor pn = back(prod(x_safe, dims, keepdim));
    const Tensor pz = back(prod(where(is_zero, x, one), dims, keepdim));
    const Tensor count = back(sum(indicator(is_zero, x), dims, keepdim));
    const Tensor zsum = back(sum(where(is_zero, x, zero), dims, keepdim));
    const Tensor others = where(eq(count, one), one, where(eq(count, scalar_like(2.0, x)), zsum - x, zero));
    return {back(c.grad) * pn * where(is_zero, others, pz / x_safe)};
  });
}

Tensor max(const Tensor& x, const Dims& dims, bool keepdim) {
  return extremum("max", x, prim::max(x, dims, keepdim), dims, keepdim);
}
Tensor min(const Tensor& x, const Dims& dims, bool keepdim) {
  return extremum("min", x, prim::min(x, dims, keepdim), dims, keepdim);
}
std::pair<Tensor, Tensor> max_with_indices(const Tensor& x, const Dims& dims, bool keepdim) {
  auto [values, index] = prim::max_with_indices(x, dims, keepdim);
  return {extremum("max", x, values, dims, keepdim), index};
}
std::pair<Tensor, Tensor> min_with_indices(const Tensor& x, const Dims& dims, bool keepdim) {
  auto [values, index] = prim::min_with_indices(x, dims, keepdim);
  return {extremum("min", x, values, dims, keepdim), index};
}
Tensor argmax(const Tensor& x, const Dims& dims, bool keepdim) { return prim::argmax(x, dims, keepdim); }
Tensor argmin(const Tensor& x, const Dims& dims, bool keepdim) { return prim::argmin(x, dims, keepdim); }

Tensor logsumexp(const Tensor& x, const Dims& dims, bool keepdim) {
  Tensor y = prim::logsumexp(x, dims, keepdim);
  return record("logsumexp", y, {x}, {x, y}, [dims, keepdim](const VjpContext& c) -> Grads {
    const Tensor &x = c.saved[0], &lse = c.saved[1];
    // An all -inf range has lse = -inf; shifting it by 0 gives exp(-inf) = 0.
    const Tensor shift = where(eq(lse, scalar_like(-INFINITY, lse)), scalar_like(0.0, lse), lse);
    return {expand_reduced(c.grad, x.shape(), dims, keepdim) *
            exp(x - expand_reduced(shift, x.shape(), dims, keepdim))};
  });
}

// d ||x||_p / d x_i = sign(x_i) |x_i|^(p-1) / ||x||_p^(p-1); at x_i = 0 the
// sign makes it 0, and a zero norm (x = 0) is divided as if it were 1.
Tensor norm(const Tensor& x, double p, const Dims& dims, bool keepdim) {
  Tensor y = prim::norm(x, p, dims, keepdim);
  return record("norm", y, {x}, {x, y}, [p, dims, keepdim](const VjpContext& c) -> Grads {
    const Tensor &x = c.saved[0], &y = c.saved[1];
    if (std::isinf(p)) return {sign(x) * split_among_ties(c.grad, abs(x), y, dims, keepdim)};
    const Tensor g = expand_reduced(c.grad, x.shape(), dims, keepdim);
    if (p == 1) return {g * sign(x)};
    const Tensor yb = expand_reduced(safe_divisor(y), x.shape(), dims, keepdim);
    if (p == 2) return {g * x / yb};
    return {g * sign(x) * pow(safe_divisor(abs(x)) / yb, p - 1)};
  });
}

Tensor var(const Tensor& x, const Dims& dims, bool keepdim, double correction) {
  Tensor y = prim::var(x, dims, keepdim, correction);
  const double n = static_cast<double>(reduced_count(x, dims, "var"));
  const double dof = n - correction > 0 ? n - correction : 0;
  return record("var", y, {x}, {x}, [dims, keepdim, dof](const VjpContext& c) -> Grads {
    const Tensor& x = c.saved[0];
    const Tensor centred = x - mean(x, dims, true);
    return {expand_reduced(c.grad, x.shape(), dims, keepdim) * centred * (2.0 / dof)};
  });
}

Tensor std(const Tensor& x, const Dims& dims, bool keepdim, double correction) {
  return sqrt(var(x, dims, keepdim, correction));
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  Tensor y = prim::sum_to(x, shape);
  return record("sum_to", y, {x}, {}, [in_shape = x.shape()](const VjpContext& c) -> Grads {
    return {expand(c.grad, in_shape)};
  });
}

}  // namespace nabla
