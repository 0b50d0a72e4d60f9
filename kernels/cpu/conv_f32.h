#pragma once
// f32 convolution by implicit GEMM (kernels/cpu/conv_f32.cpp): the same
// contracts as conv2d_forward and conv2d_backward_weight in kernels/conv.h,
// which call these for float.
#include <algorithm>
#include <cstdint>

#include <vector>

#include "kernels/conv.h"
#include "kernels/cpu/sgemm.h"
#include "kernels/fused_act.h"

namespace nabla::kernels::cpu {

// Adds bias[c] to every element of channel c of the contiguous image y [C, P].
template <class T>
void add_bias(T* y, const View<const T>& bias, int64_t C, int64_t P) {
  if (bias.data == nullptr) return;
  for (int64_t c = 0; c < C; ++c) {
    const T b = bias.data[c * bias.stride[0]];
    for (int64_t i = 0; i < P; ++i) y[c * P + i] += b;
  }
}

// Images per block when a batch of N goes through products of a few images
// side by side, wanting at most `wanted` per block: the blocks number a
// multiple of 8 where the batch allows (64 images, 6 wanted: 16 blocks of 4),
// so that 2, 4 or 8 threads get equal shares. From the shapes only.
inline int64_t balanced_images_per_block(int64_t N, int64_t wanted) {
  constexpr int64_t kShares = 8;
  wanted = std::max<int64_t>(wanted, 1);
  const int64_t blocks = kShares * ((N + kShares * wanted - 1) / (kShares * wanted));
  return std::max<int64_t>(1, (N + blocks - 1) / std::max<int64_t>(blocks, 1));
}

// Whether f32 takes the fast path: implicit GEMM for the forward and weight
// gradient, the packed SGEMM for the input gradient. Taken for a column
// stride above 1 (DCGAN's k4 s2 layers, where im2col copies element by
// element). Stride-1 convs keep im2col + Eigen: measured on RealNVP's 3x3
// convs of width 16 and PixelCNN's, where few output channels share each
// packed column, gathers and the SGEMM's packing lost 8-15% to im2col's block
// copies and Eigen's GEMM.
inline bool implicit_gemm_suits(const Conv2dArgs& a) { return a.stride[1] != 1; }

// The weight w [G Co, K] packed once per group for sgemm_packed as its A:
// W_g [Co, K], or W_g^T [K, Co] when transposed.
std::vector<PackedA> pack_weights(const View<const float>& w, int64_t G, int64_t Co, int64_t K, bool transposed);

// act (kernels/fused_act.h) is applied to each image's output after the bias
// (conv2d_forward_act).
void conv2d_forward_f32(View<float> out, View<const float> x, View<const float> w, View<const float> bias,
                        const Conv2dArgs& a, Activation act = {});
void conv2d_backward_weight_f32(View<float> gw, View<const float> x, View<const float> g, const Conv2dArgs& a);

// A buffer of at least n floats owned by the calling thread and kept for its
// next calls (contents unspecified: for buffers that are written whole),
// one per slot; instead of a zero-filled allocation per call.
float* thread_scratch(int slot, int64_t n);

// The forward and the input gradient on blocks of kLaneImages images stored
// image-innermost (kernels/cpu/conv_lanes.cpp): the same bits as
// conv2d_forward_f32's blocks and conv.cpp's GEMM + col2im, with contiguous
// copies where those gather single floats. Taken by both for batches of at
// least one block (n images, p output positions, hw input positions) whose
// largest per-thread buffer, `floats` (kept between calls), is at most
// kLaneBudget floats.
inline constexpr int64_t kLaneImages = 8;
inline constexpr int64_t kLaneBudget = int64_t{1} << 22;  // 16 MiB
inline bool lanes_suit(int64_t n, int64_t p, int64_t hw, int64_t floats) {
  return n >= kLaneImages && p > 0 && hw > 0 && floats <= kLaneBudget;
}
void conv2d_forward_lanes(View<float> out, View<const float> x, View<const float> w, View<const float> bias,
                          const Conv2dArgs& a, Activation act);
void conv2d_backward_input_lanes(View<float> gx, View<const float> g, View<const float> w, View<const float> bias,
                                 const Conv2dArgs& a);

}  // namespace nabla::kernels::cpu
