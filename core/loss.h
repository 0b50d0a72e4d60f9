#pragma once
// Loss front-ends (no gradients here; see autograd/loss.h). Each computes
// the per-element (or per-sample) loss with a kernel, then reduces it.
#include "core/tensor.h"

namespace nabla {

// How a loss turns per-element values into its result.
enum class Reduction { none, mean, sum };

}  // namespace nabla

namespace nabla::prim {

// Per-element losses -> the reduction's result (mean of nothing is NaN).
Tensor reduce_loss(const Tensor& loss, Reduction reduction);

// input and target: one floating dtype, one device, one shape; throws
// "<op>: expected input and target of one shape, got ... and ...".
void check_loss_pair(const char* op, const Tensor& input, const Tensor& target);

// The stable form of -[pw t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))];
// pos_weight (optional) broadcasts against the logits' shape.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets,
                                        Reduction reduction = Reduction::mean, const Tensor& pos_weight = {});

// Logits [N, C], [N, C, *] or [C]; targets i64 class indices of the logits'
// shape without the class dim. Label smoothing mixes the one-hot target with
// the uniform distribution: (1 - e) onehot + e / C.
struct CrossEntropyRows {
  Tensor loss;  // per sample: the targets' shape
  Tensor lse;   // log sum_c exp(logits_c) per sample, same shape
};
CrossEntropyRows cross_entropy_rows(const Tensor& logits, const Tensor& targets, double label_smoothing = 0);
Tensor cross_entropy(const Tensor& logits, const Tensor& targets, Reduction reduction = Reduction::mean,
                     double label_smoothing = 0);
// -log_probs[target] per sample; shapes as for cross_entropy.
Tensor nll_loss(const Tensor& log_probs, const Tensor& targets, Reduction reduction = Reduction::mean);
// The class dim of logits: 1, or 0 for unbatched [C] logits.
int64_t class_dim(const Tensor& logits);
// (1 - e) onehot(targets) + e / C, of the logits' shape and dtype.
Tensor target_distribution(const Tensor& logits, const Tensor& targets, double label_smoothing = 0);

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);
Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction = Reduction::mean);

}  // namespace nabla::prim
