#pragma once
// CUDA normalisation kernels (kernels/cuda/norm.cu): the contract of
// kernels/norm.h (batch norm, layer norm) over device views. float, double.
#include "kernels/view.h"

namespace nabla::kernels::cuda {
template <class T>
void norm_forward(View<T> out, View<T> mean, View<T> rstd, View<T> var, View<const T> in,
                  View<const T> weight, View<const T> bias, double eps);
template <class T>
void scale_shift(View<T> out, View<const T> in, View<const T> scale, View<const T> shift);
}  // namespace nabla::kernels::cuda
