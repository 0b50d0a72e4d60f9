// Randomized properties of the fused activation backward
// (prim::activation_backward, kernels/cpu/fused_act.cpp: the pre-activation
// gradient and its per-channel sums, eight channels side by side), on fixed
// seeds: [N, C] and [N, C, H, W] with N, C, H, W in 1..19 (N = 1 too), every
// activation, strided inputs, a few inf / NaN output gradients:
// - against the differentiable composite autograd/fused_act.cpp uses when
//   the backward is itself differentiated (g act'(y), summed by sum over
//   every dim but 1) bitwise,
// - each channel alone, 1 and 3 threads: bitwise.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "autograd/nabla.h"
#include "core/fused_act.h"
#include "tests/property_testing.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::bitwise_equal;
using testing::channel;
using testing::draw;
using testing::randn32;

// autograd/fused_act.cpp's activation_grad: g act'(y) by the differentiable ops.
Tensor composite_grad(const Tensor& g, const Tensor& y, Activation a) {
  switch (a.kind) {
    case Act::relu: return relu_backward(g, y);
    case Act::leaky_relu: return leaky_relu_backward(g, y, a.slope);
    case Act::tanh: return g * (1.0 - y * y);
    case Act::sigmoid: return g * y * (1.0 - y);
    case Act::identity: break;
  }
  return g;
}

Tensor activated(const Tensor& z, Activation a) {
  Tensor y = prim::clone(z);
  prim::activate_(y, a);
  return y;
}

TEST(ActBackwardFuzz, CompositeChannelsThreads) {
  std::mt19937_64 rng(5150);
  NoGradGuard no_grad;
  for (int it = 0; it < 250; ++it) {
    const bool four = draw(rng, 0, 1) == 1;
    const int64_t N = draw(rng, 1, 19), C = draw(rng, 1, 19);
    const Shape s = four ? Shape{N, C, draw(rng, 1, 19), draw(rng, 1, 19)} : Shape{N, C};
    const Activation a = std::vector<Activation>{
        {Act::identity}, {Act::relu}, {Act::leaky_relu, 0.2}, {Act::tanh}, {Act::sigmoid}}[draw(rng, 0, 4)];
    const Tensor y = activated(randn32(s, rng), a), g = randn32(s, rng, draw(rng, 0, 5) == 0);
    SCOPED_TRACE(std::to_string(it) + ": " + describe(y) + " act " + std::to_string(static_cast<int>(a.kind)));
    const Tensor gv = draw(rng, 0, 1) ? testing::noncontiguous(g) : g;
    const prim::ActGrads r = prim::activation_backward(gv, y, a, true);
    const Tensor pre = composite_grad(g, y, a);
    Dims dims{0};
    for (int64_t d = 2; d < y.dim(); ++d) dims.push_back(d);
    ASSERT_TRUE(bitwise_equal(r.grad_pre, pre)) << "grad_pre";
    ASSERT_TRUE(bitwise_equal(r.grad_bias, sum(pre, dims))) << "grad_bias";
    const int before = omp_get_max_threads();
    omp_set_num_threads(3);
    const prim::ActGrads three = prim::activation_backward(gv, y, a, true);
    omp_set_num_threads(before);
    ASSERT_TRUE(bitwise_equal(r.grad_pre, three.grad_pre));
    ASSERT_TRUE(bitwise_equal(r.grad_bias, three.grad_bias));
    for (int64_t c = 0; c < C; ++c) {
      const prim::ActGrads one = prim::activation_backward(channel(g, c), channel(y, c), a, true);
      ASSERT_TRUE(bitwise_equal(one.grad_bias, channel(r.grad_bias, c))) << "channel " << c;
    }
  }
}

}  // namespace
}  // namespace nabla
