#pragma once
// The cuDNN reference path of the CUDA convolution (Backend::vendor): the
// three kernels of kernels/conv.h run by cuDNN's legacy convolution API
// (kernels/cuda/cudnn_conv.cu). Built when CMake finds cuDNN; otherwise
// kernels/cuda/cudnn_missing.cpp defines them to throw. FMA math only (no
// TF32), and deterministic algorithms where cuDNN offers one, so that the
// vendor results compare with ours at the f32 tolerances. float, double.
#include "kernels/conv.h"

namespace nabla::kernels::cuda::cudnn {
// Whether this build links cuDNN.
bool available();
template <class T>
void conv2d_forward(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a);
template <class T>
void conv2d_backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                           const Conv2dArgs& a);
template <class T>
void conv2d_backward_weight(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a);
}  // namespace nabla::kernels::cuda::cudnn
