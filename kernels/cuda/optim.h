#pragma once
// CUDA fused optimizer updates (kernels/cuda/optim.cu): the contract of
// kernels::cpu::adam_step (kernels/optim.h) over device views, bitwise the
// same results (every operation rounded to nearest, no FMA contraction).
// float and double.
#include "kernels/optim.h"

namespace nabla::kernels::cuda {
template <class T>
void adam_step(View<T> param, View<T> exp_avg, View<T> exp_avg_sq, View<const T> grad, const AdamStep& step);
}  // namespace nabla::kernels::cuda
