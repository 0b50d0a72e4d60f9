#pragma once
// f32 convolution by implicit GEMM (kernels/cpu/conv_f32.cpp): the same
// contracts as conv2d_forward and conv2d_backward_weight in kernels/conv.h,
// which call these for float.
#include "kernels/conv.h"

namespace nabla::kernels::cpu {

void conv2d_forward_f32(View<float> out, View<const float> x, View<const float> w, View<const float> bias,
                        const Conv2dArgs& a);
void conv2d_backward_weight_f32(View<float> gw, View<const float> x, View<const float> g, const Conv2dArgs& a);

}  // namespace nabla::kernels::cpu
