#pragma once
// CUDA matrix products (kernels/cuda/linalg.cu), the contract of
// kernels::cpu::matmul (kernels/linalg.h): out[..., m, n] = a[..., m, k] @
// b[..., k, n], any strides, batch dims shared (stride 0 where broadcast),
// out overwritten. Backend::hand runs our tiled GEMM; Backend::vendor runs
// cuBLAS (a matrix with no unit stride is first copied). float and double.
#include "kernels/backend.h"
#include "kernels/view.h"

namespace nabla::kernels::cuda {
template <class T>
void matmul(View<T> out, View<const T> a, View<const T> b, Backend backend = Backend::hand);
}  // namespace nabla::kernels::cuda
