#pragma once
// Explicit-instantiation lists that every backend (cpu/, cuda/, no_cuda/)
// expands in its own namespace, so that each family's element types are
// written once. A macro names the functions unqualified: they resolve to the
// enclosing namespace's kernels, declared by that backend's headers.
#include <cstdint>

#include "kernels/bf16.h"
#include "kernels/view.h"

// cast<To, From> (kernels/copy.h) for each pair of float, double, int64_t,
// uint8_t and bool, and bf16 to and from float, double and bf16; fill<T> for
// each of the six.
#define NABLA_CASTS_TO(X, To) X(To, float) X(To, double) X(To, int64_t) X(To, uint8_t) X(To, bool)
#define NABLA_CAST_PAIRS(X)                                                                             \
  NABLA_CASTS_TO(X, float) NABLA_CASTS_TO(X, double) NABLA_CASTS_TO(X, int64_t) NABLA_CASTS_TO(X, uint8_t) \
  NABLA_CASTS_TO(X, bool) X(bf16, float) X(bf16, double) X(bf16, bf16) X(float, bf16) X(double, bf16)
#define NABLA_FILL_TYPES(X) X(float) X(double) X(int64_t) X(uint8_t) X(bool) X(bf16)
#define NABLA_CAST_INSTANTIATE(To, From) template void cast<To, From>(View<To>, View<const From>);
#define NABLA_FILL_INSTANTIATE(T) template void fill<T>(View<T>, T);
#define NABLA_INSTANTIATE_CAST_AND_FILL() \
  NABLA_CAST_PAIRS(NABLA_CAST_INSTANTIATE) NABLA_FILL_TYPES(NABLA_FILL_INSTANTIATE)

// kernels/elementwise.h: unary, binary, compare and where for float, double,
// int64_t and uint8_t; compare and where for bool; relu_backward for float
// and double.
#define NABLA_ELEMENTWISE_INSTANTIATE(T)                                           \
  template void unary<T>(Unary, UnaryArgs, View<T>, View<const T>);                \
  template void binary<T>(Binary, View<T>, View<const T>, View<const T>);          \
  template void compare<T>(Compare, View<bool>, View<const T>, View<const T>);     \
  template void where<T>(View<T>, View<const bool>, View<const T>, View<const T>);
#define NABLA_INSTANTIATE_ELEMENTWISE()                                                             \
  NABLA_ELEMENTWISE_INSTANTIATE(float)                                                              \
  NABLA_ELEMENTWISE_INSTANTIATE(double)                                                             \
  NABLA_ELEMENTWISE_INSTANTIATE(int64_t)                                                            \
  NABLA_ELEMENTWISE_INSTANTIATE(uint8_t)                                                            \
  template void compare<bool>(Compare, View<bool>, View<const bool>, View<const bool>);             \
  template void where<bool>(View<bool>, View<const bool>, View<const bool>, View<const bool>);      \
  template void relu_backward<float>(View<float>, View<const float>, View<const float>, float, bool); \
  template void relu_backward<double>(View<double>, View<const double>, View<const double>, double, bool);

// kernels/pool.h, for float and double.
#define NABLA_POOL_INSTANTIATE(T)                                                     \
  template void max_pool2d<T>(View<T>, View<int64_t>, View<const T>, const Pool2d&); \
  template void max_pool2d_backward<T>(View<T>, View<const T>, View<const int64_t>); \
  template void max_pool2d_gather<T>(View<T>, View<const T>, View<const int64_t>);   \
  template void avg_pool2d<T>(View<T>, View<const T>, const Pool2d&);                \
  template void avg_pool2d_backward<T>(View<T>, View<const T>, const Pool2d&);       \
  template void upsample_nearest2d<T>(View<T>, View<const T>);                       \
  template void upsample_nearest2d_backward<T>(View<T>, View<const T>);
#define NABLA_INSTANTIATE_POOL() NABLA_POOL_INSTANTIATE(float) NABLA_POOL_INSTANTIATE(double)
