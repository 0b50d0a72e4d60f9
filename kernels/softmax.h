#pragma once
// Softmax kernels along the innermost dim (the front-end moves the softmax
// dim last). Each row is shifted by its max before exponentiating, so no
// exp overflows; sums run in double for float.
#include "kernels/view.h"

namespace nabla::kernels::cpu {

// out[..., j] = exp(x_j - m) / sum_i exp(x_i - m), m = max_i x_i; when log is
// set, out = x_j - m - log sum_i exp(x_i - m). A row of -inf gives NaN (as in
// torch); a NaN anywhere in a row makes the whole row NaN.
template <class T>
void softmax(View<T> out, View<const T> in, bool log);

}  // namespace nabla::kernels::cpu
