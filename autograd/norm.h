#pragma once
// Differentiable normalisation layers. Optional tensors may be undefined
// (affine = false: no weight and bias; track_running_stats = false: no
// running statistics). Their backward is written with differentiable ops, so
// second derivatives (gradient penalties through a normalised network) work.
#include <vector>

#include "core/tensor.h"

namespace nabla {

// Batch normalisation (Ioffe & Szegedy 2015) of x [N, C] or [N, C, *], per
// channel over N and the spatial dims. Training, or no running statistics:
// batch mean and biased variance, and (training) running_mean/running_var
// updated in place with momentum and the unbiased variance, as PyTorch does.
// Eval: the running statistics, which get no gradient.
Tensor batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum = 0.1, double eps = 1e-5);

// batch_norm's vjp for the output gradient g, from what its forward saved:
// x, weight (or undefined), mean and rstd as prim::batch_norm returns them;
// batch_stats: training or no running statistics. needs: {x, weight, bias};
// returns their gradients (undefined where not needed). Differentiable. The
// fused batch_norm_act (autograd/fused_act.h) shares it.
std::vector<Tensor> batch_norm_backward(const Tensor& g, const Tensor& x, const Tensor& weight, const Tensor& mean,
                                        const Tensor& rstd, bool batch_stats, double eps,
                                        const std::vector<bool>& needs);

// Layer normalisation (Ba et al. 2016) over the trailing normalized_shape
// dims; weight and bias, when given, have that shape.
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = {}, const Tensor& bias = {},
                  double eps = 1e-5);

}  // namespace nabla
