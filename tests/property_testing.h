#pragma once
// Helpers of the randomized property tests (tests/*/*_fuzz_test.cpp): draws
// on a fixed-seed std::mt19937_64, strided layouts of the same values, and a
// run under a given OpenMP thread count.
#include <omp.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core/copy.h"
#include "core/factory.h"
#include "core/views.h"
#include "core/fused_act.h"
#include "tests/testing.h"

namespace nabla::testing {

inline int64_t draw(std::mt19937_64& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// Standard normal f32 values; with `nonfinite`, three entries (drawn after
// the values) become inf, -inf and NaN.
inline Tensor randn32(const Shape& s, std::mt19937_64& rng, bool nonfinite = false) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  std::normal_distribution<float> nd;
  std::vector<float> v(static_cast<size_t>(n));
  for (float& f : v) f = nd(rng);
  if (nonfinite) {
    const float bad[3] = {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                          std::numeric_limits<float>::quiet_NaN()};
    for (int i = 0; i < 3; ++i) v[static_cast<size_t>(draw(rng, 0, n - 1))] = bad[i];
  }
  return tensor<float>(v, s);
}

inline Tensor f64(const Tensor& t) { return t.defined() ? prim::to(t, DType::f64) : t; }

// Channel c of t (dim 1, or dim 0 of a vector) as a contiguous tensor.
inline Tensor channel(const Tensor& t, int64_t c) {
  return t.defined() ? prim::contiguous(prim::slice(t, t.dim() == 1 ? 0 : 1, c, c + 1)) : t;
}

// The same values as x [N, C, ...] in one of four layouts: contiguous, last
// two dims transposed in memory, channel dim last in memory, every other
// image of a longer batch.
inline Tensor layout(const Tensor& x, int64_t kind) {
  const int64_t r = x.dim();
  switch (kind) {
    case 1: return noncontiguous(x);
    case 2: {
      std::vector<int64_t> last{0}, back{0, r - 1};
      for (int64_t d = 2; d < r; ++d) last.push_back(d), back.push_back(d - 1);
      last.push_back(1);
      return prim::permute(prim::contiguous(prim::permute(x, last)), back);
    }
    case 3: {
      Shape big = x.shape();
      big[0] *= 2;
      Tensor v = prim::slice(zeros(big, DType::f32), 0, 0, big[0], 2);
      prim::copy_(v, x);
      return v;
    }
    default: return x;
  }
}

// Runs f with n OpenMP threads, then restores the previous count.
template <class F>
auto with_threads(int n, F&& f) {
  const int before = omp_get_max_threads();
  omp_set_num_threads(n);
  auto y = f();
  omp_set_num_threads(before);
  return y;
}

inline Activation draw_act(std::mt19937_64& rng) {
  switch (draw(rng, 0, 3)) {
    case 0: return {Act::relu};
    case 1: return {Act::leaky_relu, 0.2};
    case 2: return {Act::tanh};
    default: return {Act::sigmoid};
  }
}

}  // namespace nabla::testing
