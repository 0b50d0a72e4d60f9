// The per-thread scratch buffers of the f32 conv paths (thread_scratch in
// kernels/cpu/conv_f32.cpp, kept between calls, contents unspecified): a
// call must not read what an earlier call left there. Each op runs on a new
// std::thread (fresh buffers) for the reference; then on this thread in
// alternation big (with NaN inputs, which poison the buffers), small, big,
// small, and from inside an outer OpenMP parallel region (the conv's own
// region is then nested): always the reference's bits.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/conv.h"
#include "core/copy.h"
#include "core/factory.h"
#include "core/fused_act.h"
#include "core/views.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::bitwise_equal;

Tensor randn32(const Shape& s, uint64_t seed, bool nan = false) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> nd;
  std::vector<float> v(static_cast<size_t>(n));
  for (float& f : v) f = nan ? std::numeric_limits<float>::quiet_NaN() : nd(rng);
  return tensor<float>(v, s);
}

// One conv call of each kind on a geometry; all take the stride-2 f32 paths
// (lanes for the forward and the transposed conv at batch >= 8, the framed
// weight gradient for 4x4 kernels).
struct Calls {
  Tensor x, w, b, gy, xt, wt;
  Conv2dParams p;
  Shape ws;
  std::vector<Tensor> run() const {
    return {prim::conv2d(x, w, b, p), prim::conv2d_act(x, w, b, p, {Act::leaky_relu, 0.2}),
            prim::conv_transpose2d(xt, wt, b, p), prim::conv2d_weight(x, gy, ws, p)};
  }
};

Calls make(int64_t N, int64_t C, int64_t H, int64_t W, int64_t Cout, int64_t k, uint64_t seed, bool nan = false) {
  Calls c;
  c.p = {.stride = {2, 2}, .padding = {1, 1}};
  c.ws = {Cout, C, k, k};
  c.x = randn32({N, C, H, W}, seed, nan);
  c.w = randn32(c.ws, seed + 1, nan);
  c.b = randn32({Cout}, seed + 2, nan);
  const Shape ys = prim::conv2d(c.x, c.w, c.b, c.p).shape();
  c.gy = randn32(ys, seed + 3, nan);
  c.xt = randn32({N, Cout, H, W}, seed + 4, nan);
  c.wt = randn32({Cout, Cout, k, k}, seed + 5, nan);
  return c;
}

std::vector<Tensor> on_new_thread(const Calls& c) {
  std::vector<Tensor> r;
  std::thread t([&] { r = c.run(); });
  t.join();
  return r;
}

::testing::AssertionResult same(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (auto r = bitwise_equal(a[i], b[i]); !r) return r << " (call " << i << ")";
  return ::testing::AssertionSuccess();
}

TEST(ConvScratch, BigSmallBigGiveFreshBits) {
  const Calls big = make(20, 12, 17, 15, 10, 4, 1), poison = make(20, 12, 17, 15, 10, 4, 2, true);
  const Calls small = make(9, 3, 5, 6, 2, 3, 3), mid = make(8, 5, 9, 4, 7, 4, 4);
  const std::vector<Tensor> want_big = on_new_thread(big), want_small = on_new_thread(small),
                            want_mid = on_new_thread(mid);
  for (int round = 0; round < 2; ++round) {
    for (const Tensor& t : poison.run()) EXPECT_TRUE(std::isnan(to_vector<float>(t)[0]));
    EXPECT_TRUE(same(small.run(), want_small)) << "small after poisoned big, round " << round;
    EXPECT_TRUE(same(big.run(), want_big)) << "big after small, round " << round;
    EXPECT_TRUE(same(mid.run(), want_mid)) << "mid after big, round " << round;
    EXPECT_TRUE(same(small.run(), want_small)) << "small after mid, round " << round;
  }
}

// Each thread of an outer region runs its own geometry (and then its
// neighbour's) several times; the conv's inner region runs nested.
TEST(ConvScratch, InsideAnOuterParallelRegion) {
  const std::vector<Calls> calls{make(20, 12, 17, 15, 10, 4, 5), make(9, 3, 5, 6, 2, 3, 6), make(8, 5, 9, 4, 7, 4, 7)};
  std::vector<std::vector<Tensor>> want;
  for (const Calls& c : calls) want.push_back(on_new_thread(c));
  std::vector<int> bad(3, 0);
#pragma omp parallel num_threads(3)
  {
    const int t = omp_get_thread_num();
    for (int rep = 0; rep < 4; ++rep) {
      const size_t k = static_cast<size_t>(t + rep) % calls.size();
      if (!same(calls[k].run(), want[k])) bad[static_cast<size_t>(t)] += 1;
    }
  }
  EXPECT_EQ(bad, std::vector<int>(3, 0));
}

}  // namespace
}  // namespace nabla
