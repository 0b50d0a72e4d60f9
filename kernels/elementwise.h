#pragma once
// Elementwise kernels: unary maps, binary maps with broadcasting (inputs come
// with stride 0 along broadcast dims), comparisons and where.
#include "kernels/view.h"

namespace nabla::kernels {

enum class Unary {
  neg, exp, log, log1p, expm1, sqrt, rsqrt, abs, sign, sin, cos, tanh, sigmoid,
  relu, leaky_relu, elu, softplus, square, pow_scalar, clamp, reciprocal,
};
// Scalar parameters of the unary ops that have them:
// leaky_relu a = negative slope; elu a = alpha; softplus a = beta, b = threshold;
// pow_scalar a = exponent; clamp a = low, b = high.
struct UnaryArgs {
  double a = 0;
  double b = 0;
};

enum class Binary { add, sub, mul, div, pow, maximum, minimum };
enum class Compare { eq, ne, lt, le, gt, ge };

const char* name(Unary op);
const char* name(Binary op);
const char* name(Compare op);

namespace cpu {
// out = op(in). Integer T supports neg, abs, sign, square, relu, clamp only.
template <class T>
void unary(Unary op, UnaryArgs args, View<T> out, View<const T> in);
// out = op(a, b). Integer T supports add, sub, mul, maximum, minimum only.
template <class T>
void binary(Binary op, View<T> out, View<const T> a, View<const T> b);
template <class T>
void compare(Compare op, View<bool> out, View<const T> a, View<const T> b);
template <class T>
void where(View<T> out, View<const bool> cond, View<const T> a, View<const T> b);
// The gradient of relu or leaky_relu in one pass, g and x of out's sizes:
// out = x > 0 ? g : (leaky ? g * slope : 0). Floating T only.
template <class T>
void relu_backward(View<T> out, View<const T> g, View<const T> x, T slope, bool leaky);
}  // namespace cpu

}  // namespace nabla::kernels
