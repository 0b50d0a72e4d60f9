#pragma once
// Normalisation front-ends: batch norm and layer norm (no gradients here;
// see autograd/norm.h). Optional tensors (weight, bias, running statistics)
// may be undefined.
#include "core/tensor.h"
#include "kernels/fused_act.h"

namespace nabla::prim {

// The normalised output and the statistics it used, which backward needs.
struct NormResult {
  Tensor out;
  Tensor mean;  // batch_norm: [C]; layer_norm: x's leading dims then 1s
  Tensor rstd;  // 1 / sqrt(var + eps), same shape as mean
};

// x is [N, C] or [N, C, *]; statistics per channel over N and the spatial
// dims. Training (or no running statistics): normalise with the batch mean
// and biased variance, and update running_mean and running_var in place
// (new = (1 - momentum) old + momentum batch, with the unbiased batch
// variance; bumps their version). Eval: normalise with the running stats.
// weight and bias are [C] (affine); running stats are [C] or both undefined.
NormResult batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                      const Tensor& running_var, bool training, double momentum = 0.1, double eps = 1e-5);
// The same with out = act(...) (prim::batch_norm_act): on the CPU in training
// the activation runs in the normalising pass, else as a pass of its own.
NormResult batch_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                      const Tensor& running_var, bool training, double momentum, double eps, kernels::Activation act);

// Normalises over the trailing dims given by normalized_shape; weight and
// bias, when defined, have that shape.
NormResult layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                      double eps = 1e-5);

}  // namespace nabla::prim
