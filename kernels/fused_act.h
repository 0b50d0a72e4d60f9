#pragma once
// Activation epilogues of the fused ops (core/fused_act.h): a conv_transpose2d
// or a batch norm followed by an activation. Tensors are NCS, contiguous:
// N the batch, C the channels, S the spatial size (1 for [N, C]).
//
// Each activation is the unfused elementwise kernel's (both share
// kernels/activation_math.h), and its derivative is computed as the unfused
// vjp does (autograd/elementwise.cpp), from the output y:
//   relu        y > 0 ? g : 0
//   leaky_relu  y > 0 ? g : g * slope        (slope > 0, so y > 0 iff x > 0)
//   tanh        g * (1 - y * y)
//   sigmoid     (g * y) * (1 - y)
// so the fused results are the composite's bits.
#include <cstdint>

#include "kernels/conv.h"
#include "kernels/view.h"

namespace nabla::kernels {

enum class Act { identity, relu, leaky_relu, tanh, sigmoid };

struct Activation {
  Act kind = Act::identity;
  double slope = 0.01;  // leaky_relu's negative slope
};

const char* name(Act a);

// The shape of an NCS tensor.
struct NCS {
  int64_t n, c, s;
};

}  // namespace nabla::kernels

namespace nabla::kernels::cpu {

// y = act(y), in place.
template <class T>
void activate_(T* y, int64_t count, Activation a);

// y[i stride] = act(y[i stride]) for i < count, in place, serially (no
// OpenMP region: for a caller's own loop, e.g. norm_forward's).
template <class T>
void activate_strided_(T* y, int64_t count, int64_t stride, Activation a);

// out = act(conv2d(x, w) + bias), out contiguous (kernels/conv.h's
// conv2d_forward, then the activation): for f32 convs on the implicit-GEMM
// path the activation runs in the epilogue, on each image's output while it
// is still in cache; otherwise as a pass over out. The same bits either way.
template <class T>
void conv2d_forward_act(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a,
                        Activation act);

// gz = g * act'(y) (the gradient of the pre-activation) and, when gbias is
// not null, gbias[c] = sum over n and s of gz[n, c, s], summed as
// kernels::cpu::reduce sums gz over dims {0, 2, 3} (same order and chunks,
// double accumulators for float): bitwise the unfused bias gradient.
template <class T>
void activation_backward(T* gz, T* gbias, const T* g, const T* y, NCS shape, Activation a);

}  // namespace nabla::kernels::cpu
