#pragma once
// Checks shared by the autoregressive models' tests (PixelCNN, PixelRNN).
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/ar/pixel_model.h"

namespace nabla::ar::testing {

// Every image of side h x w with values in {0, .., levels-1}: [levels^(hw), 1, h, w].
inline Tensor all_images(int64_t levels, int64_t h, int64_t w) {
  const int64_t d = h * w;
  int64_t count = 1;
  for (int64_t i = 0; i < d; ++i) count *= levels;
  std::vector<float> v(static_cast<size_t>(count * d));
  for (int64_t k = 0; k < count; ++k)
    for (int64_t i = 0, r = k; i < d; ++i, r /= levels) v[static_cast<size_t>(k * d + i)] = static_cast<float>(r % levels);
  return tensor(v, {count, 1, h, w});
}

// sum_x p(x) over every image of side h x w: 1 only for a causal net (a leak
// of a pixel's own value, or a later one, into its conditional breaks it).
inline double total_probability(PixelModel& net, int64_t h, int64_t w) {
  NoGradGuard no_grad;
  return sum(exp(-to(net.nll(all_images(net.levels(), h, w)), DType::f64))).item();
}

// For every pixel of a random binary side x side image: the net's output
// there has exactly zero gradient with respect to that pixel and every later
// one in raster order, and a nonzero one with respect to some earlier pixel.
inline void expect_causal(PixelModel& net, int64_t side, Generator& gen) {
  for (int64_t here = 0; here < side * side; ++here) {
    Tensor x = bernoulli({1, 1, side, side}, 0.5, DType::f32, &gen);
    x.requires_grad_();
    const Tensor y = net.forward(x);
    backward(sum(slice(slice(y, 2, here / side, here / side + 1), 3, here % side, here % side + 1)));
    const std::vector<float> g = to_vector<float>(x.grad());
    for (int64_t p = here; p < side * side; ++p) EXPECT_EQ(g[static_cast<size_t>(p)], 0.0f) << here << " <- " << p;
    if (here > 0) {
      double earlier = 0;
      for (int64_t p = 0; p < here; ++p) earlier += std::abs(g[static_cast<size_t>(p)]);
      EXPECT_GT(earlier, 0.0) << here;
    }
  }
}

}  // namespace nabla::ar::testing
