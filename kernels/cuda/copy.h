#pragma once
// CUDA copy kernels (kernels/cuda/copy.cu), the CPU ones' twins (kernels/copy.h).
// Views point into device memory of one device.
#include "kernels/view.h"

namespace nabla::kernels::cuda {
// out[i] = To(in[i]); same sizes, any strides. Every pair of float, double,
// int64_t, uint8_t and bool; bf16 (kernels/bf16.h) to and from float, double, bf16.
template <class To, class From>
void cast(View<To> out, View<const From> in);
template <class T>
void fill(View<T> out, T value);
}  // namespace nabla::kernels::cuda
