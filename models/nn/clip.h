#pragma once
// Gradient and weight clipping, in place under a NoGradGuard.
#include <vector>

#include "core/tensor.h"

namespace nabla::nn {

// The 2-norm of all defined gradients taken together (accumulated in double);
// when it exceeds max_norm every gradient is scaled by
// max_norm / (total + 1e-6), as torch.nn.utils.clip_grad_norm_. Returns the
// norm before clipping.
double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm);
// Clamps every parameter to [-c, c] (the WGAN critic's weight clipping,
// Arjovsky et al. 2017).
void clip_weights_(const std::vector<Tensor>& params, double c);

}  // namespace nabla::nn
