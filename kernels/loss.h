#pragma once
// Loss kernels. Classification losses work on rows: `logits` (or
// `log_probs`) has the dims of `loss` followed by the class dim, which the
// front-end moves last; `target` has loss's sizes and holds class indices
// the front-end has checked with first_invalid_target.
#include <cstdint>

#include "kernels/view.h"

namespace nabla::kernels::cpu {

// Elementwise, all views of one size (pos_weight broadcast, or data == nullptr
// for weight 1). With s(z) = max(z, 0) + log1p(exp(-|z|)), a softplus that
// never overflows:  out = (1 - t) x + (1 + (pw - 1) t) s(-x).
template <class T>
void bce_with_logits(View<T> out, View<const T> x, View<const T> t, View<const T> pos_weight);

// Per row: lse = log sum_c exp(x_c) (shifted by the row's max) and, with
// label smoothing e over C classes,
// loss = lse - (1 - e) x_target - (e / C) sum_c x_c.
template <class T>
void cross_entropy(View<T> loss, View<T> lse, View<const T> logits, View<const int64_t> target,
                   double label_smoothing);

// Per row: loss = -log_probs[target].
template <class T>
void nll(View<T> loss, View<const T> log_probs, View<const int64_t> target);

// Row-major index of the first target outside [0, classes), or -1.
int64_t first_invalid_target(View<const int64_t> target, int64_t classes);

}  // namespace nabla::kernels::cpu
