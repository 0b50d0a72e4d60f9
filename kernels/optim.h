#pragma once
// Fused optimizer updates on strided views: one pass over the parameter, its
// gradient and the optimizer's buffers, in place.
//
// adam_step: per element, in T arithmetic with every operation rounded as
// the unfused tensor sequence of nn::Adam rounds it (each double constant
// first cast to T), so the results are bitwise those of that sequence:
//   g = weight_decay != 0 ? grad + p * weight_decay : grad
//   m = lerp(m, g, w)            w = 1 - beta1, torch.lerp's two branches
//   s = s * beta2 + (g * g) * (1 - beta2)
//   p = p + (m / (sqrt(s) / bias_correction2_sqrt + eps)) * neg_step_size
// All four views have the same sizes; param, exp_avg and exp_avg_sq do not
// overlap one another.
#include "kernels/view.h"

namespace nabla::kernels {

struct AdamStep {
  double lerp_weight;            // 1 - beta1
  double beta2;
  double one_minus_beta2;        // 1 - beta2
  double bias_correction2_sqrt;  // sqrt(1 - beta2^t)
  double eps;
  double weight_decay;
  double neg_step_size;          // -lr / (1 - beta1^t)
};

}  // namespace nabla::kernels

namespace nabla::kernels::cpu {

template <class T>
void adam_step(View<T> param, View<T> exp_avg, View<T> exp_avg_sq, View<const T> grad, const AdamStep& step);

}  // namespace nabla::kernels::cpu
