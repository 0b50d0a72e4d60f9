#pragma once
// CUDA fused optimizer updates (kernels/cuda/optim.cu): the contract of
// kernels::cpu::adam_step (kernels/optim.h) over device views, bitwise the
// same results (every operation rounded to nearest, no FMA contraction).
// float and double.
//
// step_scalars (CUDA graphs): when not null, a device pointer to two doubles
// {bias_correction2_sqrt, neg_step_size} read by the kernel in place of
// step's, so that a captured update takes each replay's values (written
// before the replay); each is cast to T as the host casts step's.
#include "kernels/optim.h"

namespace nabla::kernels::cuda {
template <class T>
void adam_step(View<T> param, View<T> exp_avg, View<T> exp_avg_sq, View<const T> grad, const AdamStep& step,
               const double* step_scalars = nullptr);
}  // namespace nabla::kernels::cuda
