#pragma once
// CUDA loss kernels (kernels/cuda/loss.cu), the contract of kernels/loss.h.
#include "kernels/view.h"

namespace nabla::kernels::cuda {
// out = (1 - t) x + (1 + (pw - 1) t) s(-x), s the stable softplus;
// pos_weight.data == nullptr means weight 1. float, double.
template <class T>
void bce_with_logits(View<T> out, View<const T> x, View<const T> t, View<const T> pos_weight);
// One thread per row (the class dim last in logits): lse over the classes,
// shifted by the row's max, summed in double; loss as kernels/loss.h says.
template <class T>
void cross_entropy(View<T> loss, View<T> lse, View<const T> logits, View<const int64_t> target,
                   double label_smoothing);
// loss = -log_probs[target] per row.
template <class T>
void nll(View<T> loss, View<const T> log_probs, View<const int64_t> target);
}  // namespace nabla::kernels::cuda
