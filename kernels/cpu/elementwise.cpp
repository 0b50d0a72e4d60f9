// CPU elementwise kernels: one functor per op, run by cpu::map over strided views.
#include "kernels/elementwise.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "kernels/activation_math.h"
#include "kernels/cpu/loop.h"
#include "kernels/instantiate.h"

namespace nabla::kernels {

namespace {
template <size_t N, class E>
const char* lookup(const char* const (&names)[N], E op) {
  const auto i = static_cast<size_t>(op);
  return i < N ? names[i] : "?";
}
}  // namespace

const char* name(Unary op) {
  static const char* names[] = {"neg", "exp", "log", "log1p", "expm1", "sqrt", "rsqrt",
                                "abs", "sign", "sin", "cos", "tanh", "sigmoid", "relu",
                                "leaky_relu", "elu", "softplus", "square", "pow",
                                "clamp", "reciprocal"};
  return lookup(names, op);
}
const char* name(Binary op) {
  static const char* names[] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum"};
  return lookup(names, op);
}
const char* name(Compare op) {
  static const char* names[] = {"eq", "ne", "lt", "le", "gt", "ge"};
  return lookup(names, op);
}

namespace cpu {
namespace {

[[noreturn]] void unsupported(const char* op, const char* type) {
  throw std::invalid_argument(std::string(op) + ": no CPU kernel for element type " + type);
}

template <class T>
void unary_float(Unary op, UnaryArgs args, View<T> out, View<const T> in) {
  const T a = static_cast<T>(args.a), b = static_cast<T>(args.b);
  switch (op) {
    case Unary::neg: return map(out, [](T x) { return -x; }, in);
    case Unary::exp: return map(out, [](T x) { return std::exp(x); }, in);
    case Unary::log: return map(out, [](T x) { return std::log(x); }, in);
    case Unary::log1p: return map(out, [](T x) { return std::log1p(x); }, in);
    case Unary::expm1: return map(out, [](T x) { return std::expm1(x); }, in);
    case Unary::sqrt: return map(out, [](T x) { return std::sqrt(x); }, in);
    case Unary::rsqrt: return map(out, [](T x) { return T(1) / std::sqrt(x); }, in);
    case Unary::abs: return map(out, [](T x) { return std::abs(x); }, in);
    case Unary::sign: return map(out, [](T x) { return T((x > 0) - (x < 0)); }, in);
    case Unary::sin: return map(out, [](T x) { return std::sin(x); }, in);
    case Unary::cos: return map(out, [](T x) { return std::cos(x); }, in);
    case Unary::tanh: return map(out, act::Tanh<T>{}, in);
    case Unary::sigmoid: return map(out, act::Sigmoid<T>{}, in);
    case Unary::relu: return map(out, act::Relu<T>{}, in);
    case Unary::leaky_relu: return map(out, act::LeakyRelu<T>{a}, in);
    case Unary::elu: return map(out, [a](T x) { return x > 0 ? x : a * std::expm1(x); }, in);
    case Unary::softplus:  // log(1 + exp(beta x)) / beta, linear above the threshold
      return map(out, [a, b](T x) {
        const T bx = a * x;
        if (bx > b) return x;
        return (std::max(bx, T(0)) + std::log1p(std::exp(-std::abs(bx)))) / a;
      }, in);
    case Unary::square: return map(out, [](T x) { return x * x; }, in);
    case Unary::pow_scalar: return map(out, [a](T x) { return std::pow(x, a); }, in);
    case Unary::clamp: return map(out, [a, b](T x) { return x < a ? a : (x > b ? b : x); }, in);
    case Unary::reciprocal: return map(out, [](T x) { return T(1) / x; }, in);
  }
}

template <class T>
void unary_int(Unary op, UnaryArgs args, View<T> out, View<const T> in) {
  const T a = static_cast<T>(args.a), b = static_cast<T>(args.b);
  switch (op) {
    case Unary::neg: return map(out, [](T x) { return T(-x); }, in);
    case Unary::abs: return map(out, [](T x) { return x < 0 ? T(-x) : x; }, in);
    case Unary::sign: return map(out, [](T x) { return T((x > 0) - (x < 0)); }, in);
    case Unary::square: return map(out, [](T x) { return T(x * x); }, in);
    case Unary::relu: return map(out, act::Relu<T>{}, in);
    case Unary::clamp: return map(out, [a, b](T x) { return x < a ? a : (x > b ? b : x); }, in);
    default: unsupported(name(op), "integer");
  }
}

}  // namespace

template <class T>
void unary(Unary op, UnaryArgs args, View<T> out, View<const T> in) {
  if constexpr (std::is_floating_point_v<T>) unary_float(op, args, out, in);
  else unary_int(op, args, out, in);
}

template <class T>
void binary(Binary op, View<T> out, View<const T> a, View<const T> b) {
  switch (op) {
    case Binary::add: return map(out, [](T x, T y) { return T(x + y); }, a, b);
    case Binary::sub: return map(out, [](T x, T y) { return T(x - y); }, a, b);
    case Binary::mul: return map(out, [](T x, T y) { return T(x * y); }, a, b);
    case Binary::maximum: return map(out, [](T x, T y) { return x > y || x != x ? x : y; }, a, b);
    case Binary::minimum: return map(out, [](T x, T y) { return x < y || x != x ? x : y; }, a, b);
    case Binary::div:
      if constexpr (std::is_floating_point_v<T>) return map(out, [](T x, T y) { return x / y; }, a, b);
      break;
    case Binary::pow:
      if constexpr (std::is_floating_point_v<T>) return map(out, [](T x, T y) { return std::pow(x, y); }, a, b);
      break;
  }
  unsupported(name(op), "integer");
}

template <class T>
void compare(Compare op, View<bool> out, View<const T> a, View<const T> b) {
  switch (op) {
    case Compare::eq: return map(out, [](T x, T y) { return x == y; }, a, b);
    case Compare::ne: return map(out, [](T x, T y) { return x != y; }, a, b);
    case Compare::lt: return map(out, [](T x, T y) { return x < y; }, a, b);
    case Compare::le: return map(out, [](T x, T y) { return x <= y; }, a, b);
    case Compare::gt: return map(out, [](T x, T y) { return x > y; }, a, b);
    case Compare::ge: return map(out, [](T x, T y) { return x >= y; }, a, b);
  }
}

template <class T>
void where(View<T> out, View<const bool> cond, View<const T> a, View<const T> b) {
  map(out, [](bool c, T x, T y) { return c ? x : y; }, cond, a, b);
}

template <class T>
void relu_backward(View<T> out, View<const T> g, View<const T> x, T slope, bool leaky) {
  if (leaky) map(out, act::GradOf<act::LeakyRelu<T>>{{slope}}, g, x);
  else map(out, act::GradOf<act::Relu<T>>{}, g, x);
}

NABLA_INSTANTIATE_ELEMENTWISE()

}  // namespace cpu
}  // namespace nabla::kernels
