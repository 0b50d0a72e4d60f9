// Losses and their derivatives. Each vjp is written with differentiable ops.
#include "autograd/loss.h"

#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/record.h"
#include "autograd/reduce.h"
#include "autograd/views.h"

namespace nabla {

namespace {
Tensor reduce(const Tensor& loss, Reduction reduction) {
  switch (reduction) {
    case Reduction::none: return loss;
    case Reduction::sum: return sum(loss);
    case Reduction::mean: return mean(loss);
  }
  return loss;
}
}  // namespace

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& targets, Reduction reduction,
                                        const Tensor& pos_weight) {
  Tensor l = prim::binary_cross_entropy_with_logits(logits, targets, Reduction::none, pos_weight);
  // With lw = 1 + (pw - 1) t:  dl/dx = lw sigmoid(x) - pw t (sigmoid(x) - t
  // when pw = 1),  dl/dt = (pw - 1) softplus(-x) - x,  dl/dpw = t softplus(-x).
  l = record("binary_cross_entropy_with_logits", l, {logits, targets, pos_weight}, {logits, targets, pos_weight},
             [](const VjpContext& c) -> Grads {
               const Tensor &g = c.grad, &x = c.saved[0], &t = c.saved[1], &pw = c.saved[2];
               Tensor gx, gt, gpw;
               if (!pw.defined()) {
                 if (c.needs[0]) gx = g * (sigmoid(x) - t);
                 if (c.needs[1]) gt = -g * x;
                 return {gx, gt, gpw};
               }
               if (c.needs[0]) gx = g * ((1.0 + (pw - 1.0) * t) * sigmoid(x) - pw * t);
               if (c.needs[1]) gt = g * ((pw - 1.0) * softplus(-x) - x);
               if (c.needs[2]) gpw = sum_to(g * t * softplus(-x), pw.shape());
               return {gx, gt, gpw};
             });
  return reduce(l, reduction);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& targets, Reduction reduction, double label_smoothing) {
  prim::CrossEntropyRows r = prim::cross_entropy_rows(logits, targets, label_smoothing);
  const int64_t cd = prim::class_dim(logits);
  // dl/dx = softmax(x) - q with q the target distribution. The saved lse
  // shifts exp into range; under create_graph softmax is rebuilt as
  // e / sum(e), e = exp(x - lse), a differentiable function of x (the
  // constant shift cancels), so that second derivatives are right.
  Tensor rows = record("cross_entropy", r.loss, {logits}, {logits, r.lse, targets},
                       [cd, label_smoothing](const VjpContext& c) -> Grads {
                         const Tensor &x = c.saved[0], &t = c.saved[2];
                         const Tensor e = exp(x - unsqueeze(c.saved[1], cd));
                         const Tensor p = grad_enabled() ? e / sum(e, {cd}, true) : e;
                         return {unsqueeze(c.grad, cd) * (p - prim::target_distribution(x, t, label_smoothing))};
                       });
  return reduce(rows, reduction);
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& targets, Reduction reduction) {
  Tensor rows = prim::nll_loss(log_probs, targets, Reduction::none);
  const int64_t cd = prim::class_dim(log_probs);
  rows = record("nll_loss", rows, {log_probs}, {log_probs, targets}, [cd](const VjpContext& c) -> Grads {
    return {-unsqueeze(c.grad, cd) * prim::target_distribution(c.saved[0], c.saved[1])};
  });
  return reduce(rows, reduction);
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  prim::check_loss_pair("mse_loss", input, target);
  return reduce(square(input - target), reduction);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
  prim::check_loss_pair("l1_loss", input, target);
  return reduce(abs(input - target), reduction);
}

}  // namespace nabla
