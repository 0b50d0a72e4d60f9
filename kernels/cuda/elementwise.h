#pragma once
// CUDA elementwise kernels (kernels/cuda/elementwise.cu): the same ops and
// signatures as kernels::cpu in kernels/elementwise.h, over device views.
// Broadcast inputs carry stride 0. float, double, int64_t and uint8_t (the
// CPU's integer subset; others throw std::invalid_argument); compare and
// where also bool.
#include "kernels/elementwise.h"

namespace nabla::kernels::cuda {
template <class T>
void unary(Unary op, UnaryArgs args, View<T> out, View<const T> in);
template <class T>
void binary(Binary op, View<T> out, View<const T> a, View<const T> b);
template <class T>
void compare(Compare op, View<bool> out, View<const T> a, View<const T> b);
template <class T>
void where(View<T> out, View<const bool> cond, View<const T> a, View<const T> b);
template <class T>  // float and double
void relu_backward(View<T> out, View<const T> g, View<const T> x, T slope, bool leaky);
}  // namespace nabla::kernels::cuda
