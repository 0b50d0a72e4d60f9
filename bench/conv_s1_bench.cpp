// The stride-1 f32 convolutions of RealNVP (3x3 "same", width 16, batch 64)
// and PixelCNN (masked 7x7 type A and 3x3 type B, 1x1; width 32, batch 32),
// each CPU kernel driven directly: the default path (kernels/cpu/conv_s1.cpp,
// "new") beside the im2col + Eigen path ("im2col") in the same run.
//
//   OMP_NUM_THREADS=1 ./build/bench/conv_s1_bench --benchmark_min_time=0.5
//
// GFLOP/s counts 2 flops per multiply-add of the full (unmasked) kernel, the
// masked taps included, divided by wall time. s1/bias_grad: the conv bias
// gradient, sum(g, {0, 2, 3}).
#include <benchmark/benchmark.h>

#include <string>

#include "autograd/nabla.h"
#include "core/reduce.h"
#include "bench/conv_kernels.h"
#include "kernels/conv.h"

namespace nabla {
namespace {

struct Case {
  const char* name;
  Shape x, w;
  int64_t pad;
  int masked;  // 0: dense; 'A' or 'B': PixelCNN's mask (centre excluded or included)
};

const Case kCases[] = {
    {"realnvp 3x3 16->16 28x28", {64, 16, 28, 28}, {16, 16, 3, 3}, 1, 0},
    {"realnvp 3x3 16->16 14x14", {64, 16, 14, 14}, {16, 16, 3, 3}, 1, 0},
    {"realnvp 3x3 1->16 28x28", {64, 1, 28, 28}, {16, 1, 3, 3}, 1, 0},
    {"realnvp 3x3 16->2 28x28", {64, 16, 28, 28}, {2, 16, 3, 3}, 1, 0},
    {"pixelcnn 7x7A 1->32 28x28", {32, 1, 28, 28}, {32, 1, 7, 7}, 3, 'A'},
    {"pixelcnn 3x3B 16->16 28x28", {32, 16, 28, 28}, {16, 16, 3, 3}, 1, 'B'},
    {"pixelcnn 1x1 32->16 28x28", {32, 32, 28, 28}, {16, 32, 1, 1}, 0, 0},
    {"pixelcnn 1x1 16->32 28x28", {32, 16, 28, 28}, {32, 16, 1, 1}, 0, 0},
};

Tensor masked_weight(const Case& c) {
  Tensor w = randn(c.w);
  if (!c.masked) return w;
  const int64_t k = c.w[2], centre = k / 2;
  std::vector<float> m(static_cast<size_t>(k * k), 0.0f);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t s = 0; s < k; ++s)
      m[r * k + s] = r < centre || (r == centre && (s < centre || (s == centre && c.masked == 'B'))) ? 1.0f : 0.0f;
  return contiguous(w * tensor(m, {k, k}));
}

// The bias gradient of a conv (autograd/conv.cpp): g summed over batch and positions per channel.
void bias_grad(benchmark::State& state, Shape shape) {
  const Tensor g = randn(shape);
  for (auto _ : state) {
    Tensor gb = prim::sum(g, {0, 2, 3});
    benchmark::DoNotOptimize(gb.data_ptr());
  }
  state.counters["GB/s"] = benchmark::Counter(static_cast<double>(g.numel() * 4) / 1e9,
                                              benchmark::Counter::kIsIterationInvariantRate);
}

int register_all() {
  for (const Shape& s : {Shape{64, 16, 28, 28}, Shape{64, 16, 14, 14}, Shape{32, 32, 28, 28}})
    benchmark::RegisterBenchmark(("s1/bias_grad/" + str(s)).c_str(), bias_grad, s)
        ->Unit(benchmark::kMillisecond)
        ->MeasureProcessCPUTime()
        ->UseRealTime();
  for (const Case& c : kCases) {
    kernels::Conv2dArgs a;
    a.padding[0] = a.padding[1] = c.pad;
    bench::register_conv_kernels("s1", c.name, randn(c.x), masked_weight(c), a);
  }
  return 0;
}
const int kRegistered = register_all();

}  // namespace
}  // namespace nabla

BENCHMARK_MAIN();
