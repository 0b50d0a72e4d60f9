#pragma once
// CUDA 2-D convolution (kernels/cuda/conv.cu), the contract of
// kernels/conv.h: im2col / col2im kernels around our GEMM (gemm.h: for
// float the exact fp32 kernel of matmul's "hand" backend; conv has no TF32
// mode, core/backend.h).
// Deterministic: col2im gives each input pixel one thread that gathers its
// taps in order, and the weight gradient is one GEMM over the whole batch
// (inner dim N Ho Wo), so no output is ever summed by atomics. float, double.
// Backend::vendor runs cuDNN instead (kernels/cuda/cudnn_conv.h).
#include "kernels/backend.h"
#include "kernels/conv.h"

namespace nabla::kernels::cuda {
template <class T>
void conv2d_forward(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a,
                    Backend backend = Backend::hand);
template <class T>
void conv2d_backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                           const Conv2dArgs& a, Backend backend = Backend::hand);
template <class T>
void conv2d_backward_weight(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a,
                            Backend backend = Backend::hand);
}  // namespace nabla::kernels::cuda
