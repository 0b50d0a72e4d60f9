// Elementwise ops and their derivatives. Each vjp is written with the
// differentiable ops of this file, so it can itself be differentiated.
#include "autograd/elementwise.h"

#include "autograd/record.h"
#include "autograd/reduce.h"
#include "core/elementwise.h"
#include "core/factory.h"

namespace nabla {

using prim::Binary;
using prim::Compare;
using prim::Unary;

Tensor scalar_like(double value, const Tensor& x) { return scalar(value, Options::like(x)); }

namespace {
Tensor zero_like_scalar(const Tensor& x) { return scalar_like(0.0, x); }

// The grad where `mask` holds, else zero.
Tensor masked(const Tensor& mask, const Tensor& g) { return where(mask, g, zero_like_scalar(g)); }

// Which of x and y a unary op's vjp reads; only those are saved for backward.
enum class Keep { none, x, y, both };

// A unary op whose vjp is vjp(g, x, y); the one it does not keep arrives undefined.
template <class Vjp>
Tensor unary_op(Unary op, const Tensor& x, prim::UnaryArgs args, Keep keep, Vjp vjp) {
  Tensor y = prim::unary(op, x, args);
  const bool keep_x = keep == Keep::x || keep == Keep::both, keep_y = keep == Keep::y || keep == Keep::both;
  return record(kernels::name(op), y, {x}, {keep_x ? x : Tensor(), keep_y ? y : Tensor()},
                [vjp](const VjpContext& c) -> Grads { return {vjp(c.grad, c.saved[0], c.saved[1])}; });
}
}  // namespace

Tensor neg(const Tensor& x) {
  return unary_op(Unary::neg, x, {}, Keep::none,
                  [](const Tensor& g, const Tensor&, const Tensor&) { return -g; });
}
Tensor exp(const Tensor& x) {
  return unary_op(Unary::exp, x, {}, Keep::y,
                  [](const Tensor& g, const Tensor&, const Tensor& y) { return g * y; });
}
Tensor log(const Tensor& x) {
  return unary_op(Unary::log, x, {}, Keep::x,
                  [](const Tensor& g, const Tensor& x, const Tensor&) { return g / x; });
}
Tensor log1p(const Tensor& x) {
  return unary_op(Unary::log1p, x, {}, Keep::x,
                  [](const Tensor& g, const Tensor& x, const Tensor&) { return g / (x + 1.0); });
}
Tensor expm1(const Tensor& x) {
  return unary_op(Unary::expm1, x, {}, Keep::y,
                  [](const Tensor& g, const Tensor&, const Tensor& y) { return g * (y + 1.0); });
}
Tensor sqrt(const Tensor& x) {
  return unary_op(Unary::sqrt, x, {}, Keep::y,
                  [](const Tensor& g, const Tensor&, const Tensor& y) { return g * 0.5 / y; });
}
Tensor rsqrt(const Tensor& x) {  // d x^(-1/2) = -1/2 x^(-3/2) = -1/2 y^3
  return unary_op(Unary::rsqrt, x, {}, Keep::y,
                  [](const Tensor& g, const Tensor&, const Tensor& y) { return g * -0.5 * y * y * y; });
}
Tensor abs(const Tensor& x) {
  return unary_op(Unary::abs, x, {}, Keep::x,
                  [](const Tensor& g, const Tensor& x, const Tensor&) { return g * sign(x); });
}
Tensor sign(const Tensor& x) {
  return unary_op(Unary::sign, x, {}, Keep::none,
                  [](const Tensor& g, const Tensor&, const Tensor&) { return g * 0.0; });
}
Tensor sin(const Tensor& x) {
  return unary_op(Unary::sin, x, {}, Keep::x,
                  [](const Tensor& g, const Tensor& x, const Tensor&) { return g * cos(x); });
}
Tensor cos(const Tensor& x) {
  return unary_op(Unary::cos, x, {}, Keep::x,
                  [](const Tensor& g, const Tensor& x, const Tensor&) { return -g * sin(x); });
}
Tensor tanh(const Tensor& x) {
  return unary_op(Unary::tanh, x, {}, Keep::y,
                  [](const Tensor& g, const Tensor&, const Tensor& y) { return g * (1.0 - y * y); });
}
Tensor sigmoid(const Tensor& x) {
  return unary_op(Unary::sigmoid, x, {}, Keep::y,
                  [](const Tensor& g, const Tensor&, const Tensor& y) { return g * y * (1.0 - y); });
}
namespace {
// where(x > 0, g, leaky ? g * slope : 0) in one kernel; the same float
// operations as that composite, so the same bits.
Tensor relu_grad(const Tensor& g, const Tensor& x, double slope, bool leaky) {
  Tensor y = prim::relu_backward(g, x, slope, leaky);
  return record(leaky ? "leaky_relu_backward" : "relu_backward", y, {g, x}, {x},
                [slope, leaky](const VjpContext& c) -> Grads {
                  return {c.needs[0] ? relu_grad(c.grad, c.saved[0], slope, leaky) : Tensor(), Tensor()};
                });
}
}  // namespace

Tensor relu_backward(const Tensor& grad, const Tensor& x) { return relu_grad(grad, x, 0, false); }
Tensor leaky_relu_backward(const Tensor& grad, const Tensor& x, double slope) {
  return relu_grad(grad, x, slope, true);
}
Tensor relu(const Tensor& x) {
  return unary_op(Unary::relu, x, {}, Keep::x,
                  [](const Tensor& g, const Tensor& x, const Tensor&) { return relu_backward(g, x); });
}
Tensor leaky_relu(const Tensor& x, double slope) {
  return unary_op(Unary::leaky_relu, x, {slope}, Keep::x, [slope](const Tensor& g, const Tensor& x, const Tensor&) {
    return leaky_relu_backward(g, x, slope);
  });
}
Tensor elu(const Tensor& x, double alpha) {  // below 0: d alpha (e^x - 1) = y + alpha
  return unary_op(Unary::elu, x, {alpha}, Keep::both,
                  [alpha](const Tensor& g, const Tensor& x, const Tensor& y) {
                    return where(x > 0.0, g, g * (y + alpha));
                  });
}
Tensor softplus(const Tensor& x, double beta, double threshold) {  // d/dx = sigmoid(beta x)
  return unary_op(Unary::softplus, x, {beta, threshold}, Keep::x,
                  [beta, threshold](const Tensor& g, const Tensor& x, const Tensor&) {
                    return where(x * beta > threshold, g, g * sigmoid(x * beta));
                  });
}
Tensor square(const Tensor& x) {
  return unary_op(Unary::square, x, {}, Keep::x,
                  [](const Tensor& g, const Tensor& x, const Tensor&) { return g * 2.0 * x; });
}
Tensor pow(const Tensor& x, double p) {
  return unary_op(Unary::pow_scalar, x, {p}, Keep::x, [p](const Tensor& g, const Tensor& x, const Tensor&) {
    return p == 0 ? g * 0.0 : g * p * pow(x, p - 1);
  });
}
Tensor clamp(const Tensor& x, double low, double high) {
  if (!(low <= high)) throw std::invalid_argument("clamp: expected low <= high");
  return unary_op(Unary::clamp, x, {low, high}, Keep::x,
                  [low, high](const Tensor& g, const Tensor& x, const Tensor&) {
                    return masked(x >= low, masked(x <= high, g));
                  });
}
Tensor reciprocal(const Tensor& x) {
  return unary_op(Unary::reciprocal, x, {}, Keep::y,
                  [](const Tensor& g, const Tensor&, const Tensor& y) { return -g * y * y; });
}

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor y = prim::binary(Binary::add, a, b);
  const Shape sa = a.shape(), sb = b.shape();
  return record("add", y, {a, b}, {}, [sa, sb](const VjpContext& c) -> Grads {
    return {sum_to(c.grad, sa), sum_to(c.grad, sb)};
  });
}
Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor y = prim::binary(Binary::sub, a, b);
  const Shape sa = a.shape(), sb = b.shape();
  return record("sub", y, {a, b}, {}, [sa, sb](const VjpContext& c) -> Grads {
    return {sum_to(c.grad, sa), c.needs[1] ? sum_to(-c.grad, sb) : Tensor()};
  });
}
Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor y = prim::binary(Binary::mul, a, b);
  return record("mul", y, {a, b}, {a, b}, [](const VjpContext& c) -> Grads {
    const Tensor &a = c.saved[0], &b = c.saved[1];
    return {c.needs[0] ? sum_to(c.grad * b, a.shape()) : Tensor(),
            c.needs[1] ? sum_to(c.grad * a, b.shape()) : Tensor()};
  });
}
Tensor div(const Tensor& a, const Tensor& b) {
  Tensor y = prim::binary(Binary::div, a, b);
  return record("div", y, {a, b}, {a, b}, [](const VjpContext& c) -> Grads {
    const Tensor &a = c.saved[0], &b = c.saved[1];
    return {c.needs[0] ? sum_to(c.grad / b, a.shape()) : Tensor(),
            c.needs[1] ? sum_to(-c.grad * a / (b * b), b.shape()) : Tensor()};
  });
}
Tensor pow(const Tensor& a, const Tensor& b) {
  Tensor y = prim::binary(Binary::pow, a, b);
  return record("pow", y, {a, b}, {a, b, y}, [](const VjpContext& c) -> Grads {
    const Tensor &a = c.saved[0], &b = c.saved[1], &y = c.saved[2];
    // d a^b / db = a^b log a, taken as 0 where a <= 0 (log undefined there).
    return {c.needs[0] ? sum_to(c.grad * b * pow(a, b - 1.0), a.shape()) : Tensor(),
            c.needs[1] ? sum_to(masked(a > 0.0, c.grad * y * log(abs(a))), b.shape()) : Tensor()};
  });
}

namespace {
// max/min: the gradient goes to the chosen input, half to each on a tie.
Tensor extremum(Binary op, const char* name, const Tensor& a, const Tensor& b) {
  Tensor y = prim::binary(op, a, b);
  return record(name, y, {a, b}, {a, b}, [op](const VjpContext& c) -> Grads {
    const Tensor &a = c.saved[0], &b = c.saved[1];
    const Tensor a_wins = op == Binary::maximum ? a > b : a < b;
    const Tensor tie = eq(a, b);
    const Tensor half = c.grad * 0.5, zero = zero_like_scalar(c.grad);
    return {sum_to(where(a_wins, c.grad, where(tie, half, zero)), a.shape()),
            sum_to(where(a_wins, zero, where(tie, half, c.grad)), b.shape())};
  });
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) { return extremum(Binary::maximum, "maximum", a, b); }
Tensor minimum(const Tensor& a, const Tensor& b) { return extremum(Binary::minimum, "minimum", a, b); }

Tensor eq(const Tensor& a, const Tensor& b) { return prim::compare(Compare::eq, a, b); }
Tensor ne(const Tensor& a, const Tensor& b) { return prim::compare(Compare::ne, a, b); }
Tensor lt(const Tensor& a, const Tensor& b) { return prim::compare(Compare::lt, a, b); }
Tensor le(const Tensor& a, const Tensor& b) { return prim::compare(Compare::le, a, b); }
Tensor gt(const Tensor& a, const Tensor& b) { return prim::compare(Compare::gt, a, b); }
Tensor ge(const Tensor& a, const Tensor& b) { return prim::compare(Compare::ge, a, b); }

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  Tensor y = prim::where(cond, a, b);
  const Shape sa = a.shape(), sb = b.shape();
  return record("where", y, {cond, a, b}, {cond}, [sa, sb](const VjpContext& c) -> Grads {
    const Tensor& cond = c.saved[0];
    const Tensor zero = zero_like_scalar(c.grad);
    return {Tensor(), c.needs[1] ? sum_to(where(cond, c.grad, zero), sa) : Tensor(),
            c.needs[2] ? sum_to(where(cond, zero, c.grad), sb) : Tensor()};
  });
}

Tensor operator-(const Tensor& x) { return neg(x); }
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator+(const Tensor& a, double b) { return add(a, scalar_like(b, a)); }
Tensor operator-(const Tensor& a, double b) { return sub(a, scalar_like(b, a)); }
Tensor operator*(const Tensor& a, double b) { return mul(a, scalar_like(b, a)); }
Tensor operator/(const Tensor& a, double b) { return div(a, scalar_like(b, a)); }
Tensor operator+(double a, const Tensor& b) { return add(scalar_like(a, b), b); }
Tensor operator-(double a, const Tensor& b) { return sub(scalar_like(a, b), b); }
Tensor operator*(double a, const Tensor& b) { return mul(scalar_like(a, b), b); }
Tensor operator/(double a, const Tensor& b) { return div(scalar_like(a, b), b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator<(const Tensor& a, double b) { return lt(a, scalar_like(b, a)); }
Tensor operator>(const Tensor& a, double b) { return gt(a, scalar_like(b, a)); }
Tensor operator<=(const Tensor& a, double b) { return le(a, scalar_like(b, a)); }
Tensor operator>=(const Tensor& a, double b) { return ge(a, scalar_like(b, a)); }

}  // namespace nabla
