#pragma once
// Differentiable losses. Each takes a Reduction (core/loss.h): none keeps
// the per-element (or per-sample) losses, mean and sum reduce them.
#include "core/loss.h"
#include "core/tensor.h"

namespace nabla {

// max(x, 0) - x t + log1p(exp(-|x|)) per element (finite for any logits);
// with pos_weight pw: (1 - t) x + (1 + (pw - 1) t) softplus(-x).
// Differentiable in logits, targets and pos_weight.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        Reduction reduction = Reduction::mean, const Tensor& pos_weight = {});

// -log softmax(logits)[target], fused (logsumexp per sample in the kernel).
// logits [N, C], [N, C, *] or [C]; targets i64 class indices. Label smoothing
// e targets (1 - e) onehot + e / C. Differentiable in logits (to any order).
Tensor cross_entropy(const Tensor& logits, const Tensor& targets, Reduction reduction = Reduction::mean,
                     double label_smoothing = 0);

// -log_probs[target] per sample; shapes as for cross_entropy.
Tensor nll_loss(const Tensor& log_probs, const Tensor& targets, Reduction reduction = Reduction::mean);

// (input - target)^2 and |input - target| (subgradient 0 at 0), same shapes.
Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);

}  // namespace nabla
