#pragma once
// Copy kernels: strided copy with element-type conversion, and fill.
#include "kernels/view.h"

namespace nabla::kernels::cpu {
// out[i] = To(in[i]); out and in have the same sizes, any strides. Every pair
// of float, double, int64_t, uint8_t and bool; bf16 (kernels/bf16.h) to and
// from float, double and bf16 (round to nearest even).
template <class To, class From>
void cast(View<To> out, View<const From> in);
template <class T>
void fill(View<T> out, T value);
}  // namespace nabla::kernels::cpu
