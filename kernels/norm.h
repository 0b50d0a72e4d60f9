#pragma once
// Normalisation kernels (batch norm, layer norm).
//
// Like the reduction kernels, the front-end permutes the input so that the
// normalised dims come last: `in` has mean.ndim group dims followed by the
// reduced dims, and each group is normalised over its reduced elements.
// `out`, `weight` and `bias` have in's sizes (weight and bias broadcast with
// stride 0; data == nullptr means absent: weight 1, bias 0).
#include "kernels/fused_act.h"
#include "kernels/view.h"

namespace nabla::kernels::cpu {

// Per group: mean, biased variance var = mean((x - mean)^2) (two passes, so
// no cancellation), rstd = 1 / sqrt(var + eps), and
// out = (x - mean) * rstd * weight + bias.
// `var` may have data == nullptr when the caller does not need it.
// act (kernels/fused_act.h): out = act(...), applied to each group's output
// right after it is written (batch_norm_act).
template <class T>
void norm_forward(View<T> out, View<T> mean, View<T> rstd, View<T> var, View<const T> in,
                  View<const T> weight, View<const T> bias, double eps, Activation act = {});

// out = in * scale + shift, scale and shift broadcast to in's sizes
// (batch norm in eval mode, where the statistics are fixed).
template <class T>
void scale_shift(View<T> out, View<const T> in, View<const T> scale, View<const T> shift);

}  // namespace nabla::kernels::cpu
