// Reductions over long ranges with the kept dim the sparse one (a conv's
// bias gradient, sum over {0, 2, 3}): the outputs are reduced side by side
// (kernels/cpu/reduce_loop.h), each still in order, so the values are the
// bits of one serial pass per output, on any thread count.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/reduce.h"
#include "tests/testing.h"

namespace nabla::kernels {
namespace {

using nabla::testing::make_view;

struct Shape4 {
  int64_t N, C, H, W;
};

// x [N, C, H, W] contiguous, seen as the kernel sees sum over {0, 2, 3}: [C, N, H, W].
View<const float> channels_first(const std::vector<float>& x, const Shape4& s) {
  const int64_t P = s.H * s.W;
  return make_view<const float>(x.data(), {s.C, s.N, s.H, s.W}, {P, s.C * P, s.W, 1});
}

TEST(ReduceInterleaved, ChannelSumsAndMaximaAreThoseOfOneSerialPassOnAnyThreadCount) {
  const Shape4 shapes[] = {{64, 16, 28, 28}, {9, 3, 30, 17}, {5, 17, 32, 32}, {2, 40, 50, 41}, {70, 1, 8, 8}};
  const int threads = omp_get_max_threads();
  std::mt19937 rng(4);
  std::normal_distribution<float> normal(0.3f, 2.0f);
  for (const Shape4& s : shapes) {
    std::vector<float> x(static_cast<size_t>(s.N * s.C * s.H * s.W));
    for (float& v : x) v = normal(rng);
    const int64_t P = s.H * s.W;
    std::vector<float> want_sum(s.C), want_max(s.C);
    std::vector<int64_t> want_at(s.C);
    for (int64_t c = 0; c < s.C; ++c) {
      double sum = 0;
      float best = -INFINITY;
      int64_t at = 0;
      for (int64_t n = 0; n < s.N; ++n)
        for (int64_t p = 0; p < P; ++p) {
          const float v = x[(n * s.C + c) * P + p];
          sum += v;
          if (v > best) best = v, at = n * P + p;
        }
      want_sum[c] = static_cast<float>(sum), want_max[c] = best, want_at[c] = at;
    }
    for (int t : {1, 2, 3}) {
      omp_set_num_threads(t);
      std::vector<float> sum(s.C), max(s.C);
      std::vector<int64_t> at(s.C);
      cpu::reduce<float>(Reduce::sum, make_view(sum.data(), {s.C}, {1}), channels_first(x, s));
      cpu::arg_reduce<float>(Reduce::max, make_view(at.data(), {s.C}, {1}), make_view(max.data(), {s.C}, {1}),
                             channels_first(x, s));
      EXPECT_EQ(sum, want_sum) << s.N << "x" << s.C << "x" << s.H << "x" << s.W << ", " << t << " threads";
      EXPECT_EQ(max, want_max) << t << " threads";
      EXPECT_EQ(at, want_at) << t << " threads";
    }
    omp_set_num_threads(threads);
  }
}

}  // namespace
}  // namespace nabla::kernels
