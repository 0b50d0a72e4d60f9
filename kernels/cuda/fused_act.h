#pragma once
// CUDA activation epilogues (kernels/cuda/fused_act.cu): the contract of
// kernels/fused_act.h over contiguous device buffers. The activations and
// pre-activation gradients are the CPU kernel's bits (no FMA contraction;
// tanh/exp from CUDA's libdevice, within 1-2 ulp of the CPU's); the bias sums
// run in a fixed order (double accumulators for float) that differs from the
// CPU's serial order, so they agree to rounding. float, double.
#include "kernels/fused_act.h"

namespace nabla::kernels::cuda {
template <class T>
void activate_(T* y, int64_t count, Activation a);
template <class T>
void activation_backward(T* gz, T* gbias, const T* g, const T* y, NCS shape, Activation a);
}  // namespace nabla::kernels::cuda
