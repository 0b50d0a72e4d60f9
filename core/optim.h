#pragma once
// Fused optimizer updates: in place, no gradients (optimizers run them under
// a NoGradGuard on leaf parameters).
#include "core/tensor.h"
#include "kernels/optim.h"

namespace nabla::prim {

using AdamStep = kernels::AdamStep;

// One Adam update of param with grad and the moments exp_avg, exp_avg_sq,
// all four of one shape, one float dtype and one device (CPU or CUDA), the
// first three writable (no broadcast dims) and in three distinct storages. See kernels/optim.h
// for the arithmetic; bumps the versions of the three written tensors.
void adam_step_(const Tensor& param, const Tensor& exp_avg, const Tensor& exp_avg_sq, const Tensor& grad,
                const AdamStep& step);
// The same update with step.bias_correction2_sqrt and step.neg_step_size
// taken from step_scalars (f64, 2 contiguous elements, on param's device)
// when the update runs: on CUDA the kernel reads them from device memory, so
// that a captured update (core/cuda_graph.h) takes the values written before
// each replay; on the CPU they are read on the host. Bitwise the update with
// those values in step.
void adam_step_(const Tensor& param, const Tensor& exp_avg, const Tensor& exp_avg_sq, const Tensor& grad,
                const AdamStep& step, const Tensor& step_scalars);

}  // namespace nabla::prim
