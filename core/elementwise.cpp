#include "core/elementwise.h"


#include "core/check.h"
#include "core/copy.h"
#include "core/views.h"
#include "kernels/cuda/elementwise.h"

namespace nabla::prim {

namespace {
bool integer_ok(Unary op) {
  return op == Unary::neg || op == Unary::abs || op == Unary::sign || op == Unary::square ||
         op == Unary::relu || op == Unary::clamp;
}
bool integer_ok(Binary op) { return op != Binary::div && op != Binary::pow; }

// Runs run<T>() for dtype t: any number dtype where op takes integers, else a floating one.
template <class Op, class F>
void dispatch_op(Op op, DType t, const char* op_name, F&& run) {
  if (integer_ok(op)) dispatch_number(t, op_name, run);
  else dispatch_float(t, op_name, run);
}

// The door of the two-operand ops: one device, one dtype.
void check_pair(const char* op_name, const Tensor& a, const Tensor& b) {
  check_same_device(op_name, {a, b});
  check_same_dtype(op_name, {a, b});
}
}  // namespace

std::pair<Tensor, Tensor> broadcast(const char* op, const Tensor& a, const Tensor& b) {
  const Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  return {expand(a, shape), expand(b, shape)};
}

Tensor unary(Unary op, const Tensor& x, UnaryArgs args) {
  const char* op_name = kernels::name(op);
  check_defined(op_name, x);
  if (is_bf16(x)) return round_bf16(unary(op, promote_f32(x), args));
  Tensor out = make_tensor(x.shape(), x.dtype(), x.device());
  dispatch_op(op, x.dtype(), op_name, [&]<class T>() {
    if (x.device().is_cuda()) return kernels::cuda::unary<T>(op, args, out.view<T>(), x.view<const T>());
    kernels::cpu::unary<T>(op, args, out.view<T>(), x.view<const T>());
  });
  return out;
}

Tensor binary(Binary op, const Tensor& a, const Tensor& b) {
  const char* op_name = kernels::name(op);
  check_pair(op_name, a, b);
  if (is_bf16(a)) return round_bf16(binary(op, promote_f32(a), promote_f32(b)));
  // Not a structured binding: clang before 16 cannot capture one in a lambda.
  const std::pair<Tensor, Tensor> xy = broadcast(op_name, a, b);
  const Tensor &x = xy.first, &y = xy.second;
  Tensor out = make_tensor(x.shape(), a.dtype(), a.device());
  dispatch_op(op, a.dtype(), op_name, [&]<class T>() {
    if (a.device().is_cuda()) return kernels::cuda::binary<T>(op, out.view<T>(), x.view<const T>(), y.view<const T>());
    kernels::cpu::binary<T>(op, out.view<T>(), x.view<const T>(), y.view<const T>());
  });
  return out;
}

void binary_(Binary op, const Tensor& a, const Tensor& b) {
  const char* op_name = kernels::name(op);
  check_pair(op_name, a, b);
  broadcast_shapes(a.shape(), b.shape(), op_name);
  for (int64_t d = 0; d < a.dim(); ++d)
    if (a.strides()[d] == 0 && a.shape()[d] > 1)
      throw_invalid(std::string(op_name) + "_", "cannot write in place into a broadcast view " + describe(a));
  if (is_bf16(a)) {
    const Tensor t = promote_f32(a);
    binary_(op, t, promote_f32(b));
    return copy_(a, t);
  }
  const Tensor y = expand(b, a.shape());
  // Elementwise in place is safe when y does not alias a at other positions;
  // a fresh result would be needed otherwise, which callers never ask for.
  dispatch_op(op, a.dtype(), op_name, [&]<class T>() {
    if (a.device().is_cuda()) return kernels::cuda::binary<T>(op, a.view<T>(), a.view<const T>(), y.view<const T>());
    kernels::cpu::binary<T>(op, a.view<T>(), a.view<const T>(), y.view<const T>());
  });
  a.bump_version();
}

Tensor compare(Compare op, const Tensor& a, const Tensor& b) {
  const char* op_name = kernels::name(op);
  check_pair(op_name, a, b);
  if (is_bf16(a)) return compare(op, promote_f32(a), promote_f32(b));
  // Not a structured binding: clang before 16 cannot capture one in a lambda.
  const std::pair<Tensor, Tensor> xy = broadcast(op_name, a, b);
  const Tensor &x = xy.first, &y = xy.second;
  Tensor out = make_tensor(x.shape(), DType::b8, a.device());
  dispatch_all(a.dtype(), op_name, [&]<class T>() {
    if (a.device().is_cuda()) return kernels::cuda::compare<T>(op, out.view<bool>(), x.view<const T>(), y.view<const T>());
    kernels::cpu::compare<T>(op, out.view<bool>(), x.view<const T>(), y.view<const T>());
  });
  return out;
}

Tensor relu_backward(const Tensor& g, const Tensor& x, double slope, bool leaky) {
  check_pair("relu_backward", g, x);
  if (g.shape() != x.shape())
    throw_invalid("relu_backward", "expected the gradient and the input of one shape, got " + describe(g) + " and " +
                                       describe(x));
  if (is_bf16(g)) return round_bf16(relu_backward(promote_f32(g), promote_f32(x), slope, leaky));
  Tensor out = make_tensor(g.shape(), g.dtype(), g.device());
  dispatch_float(g.dtype(), "relu_backward", [&]<class T>() {
    const T s = static_cast<T>(slope);
    if (g.device().is_cuda())
      return kernels::cuda::relu_backward<T>(out.view<T>(), g.view<const T>(), x.view<const T>(), s, leaky);
    kernels::cpu::relu_backward<T>(out.view<T>(), g.view<const T>(), x.view<const T>(), s, leaky);
  });
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  check_same_device("where", {cond, a, b});
  check_same_dtype("where", {a, b});
  if (cond.dtype() != DType::b8) throw_dtype("where (condition)", cond.dtype(), "bool");
  const Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(), "where");
  if (is_bf16(a)) return round_bf16(where(cond, promote_f32(a), promote_f32(b)));  // exact: selection only
  Tensor out = make_tensor(shape, a.dtype(), a.device());
  dispatch_all(a.dtype(), "where", [&]<class T>() {
    const auto c = expand(cond, shape).view<const bool>();
    const auto x = expand(a, shape).view<const T>(), y = expand(b, shape).view<const T>();
    if (a.device().is_cuda()) return kernels::cuda::where<T>(out.view<T>(), c, x, y);
    kernels::cpu::where<T>(out.view<T>(), c, x, y);
  });
  return out;
}

}  // namespace nabla::prim
