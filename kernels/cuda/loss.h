#pragma once
// CUDA loss kernels (kernels/cuda/loss.cu), the contract of kernels/loss.h.
// So far bce_with_logits; cross_entropy and nll have no CUDA kernel yet.
#include "kernels/view.h"

namespace nabla::kernels::cuda {
// out = (1 - t) x + (1 + (pw - 1) t) s(-x), s the stable softplus;
// pos_weight.data == nullptr means weight 1. float, double.
template <class T>
void bce_with_logits(View<T> out, View<const T> x, View<const T> t, View<const T> pos_weight);
}  // namespace nabla::kernels::cuda
