#pragma once
// f32 convolution of stride 1 (both directions) on a padded frame, without a
// column matrix (kernels/cpu/conv_s1.cpp): the same contracts as
// conv2d_forward, conv2d_backward_input and conv2d_backward_weight in
// kernels/conv.h, which call these for float when stride1_suits.
#include "kernels/conv.h"

namespace nabla::kernels::cpu {

// RealNVP's and PixelCNN's convs (3x3, masked 7x7 and 3x3, 1x1), the FID
// classifier's: any padding, dilation and groups.
inline bool stride1_suits(const Conv2dArgs& a) { return a.stride[0] == 1 && a.stride[1] == 1; }

void conv2d_forward_s1(View<float> out, View<const float> x, View<const float> w, View<const float> bias,
                       const Conv2dArgs& a);
void conv2d_backward_input_s1(View<float> gx, View<const float> g, View<const float> w, View<const float> bias,
                              const Conv2dArgs& a);
void conv2d_backward_weight_s1(View<float> gw, View<const float> x, View<const float> g, const Conv2dArgs& a);

}  // namespace nabla::kernels::cpu
