#pragma once
// CUDA softmax (kernels/cuda/softmax.cu): the contract of kernels::cpu::softmax
// (kernels/softmax.h), along the innermost dim of device views. float, double.
#include "kernels/view.h"

namespace nabla::kernels::cuda {
template <class T>
void softmax(View<T> out, View<const T> in, bool log);
}  // namespace nabla::kernels::cuda
