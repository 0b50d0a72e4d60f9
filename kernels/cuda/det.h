#pragma once
// CUDA batched slogdet and inverse (kernels/cuda/det.cu): the contract of
// kernels/det.h over device views, one thread block per matrix, the matrix
// in shared memory when it fits (else a global workspace). The elimination
// rounds every operation alone, as the CPU kernels do. float and double.
#include "kernels/view.h"

namespace nabla::kernels::cuda {
template <class T>
void slogdet(View<T> sign, View<T> logabs, View<const T> a);
template <class T>
void inverse(View<T> out, View<const T> a);
}  // namespace nabla::kernels::cuda
