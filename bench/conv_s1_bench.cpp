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

enum class Face { forward, input_grad, weight_grad };

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

void conv_kernel(benchmark::State& state, const Case& c, Face face, bool im2col) {
  namespace k = kernels::cpu;
  kernels::Conv2dArgs a;
  a.padding[0] = a.padding[1] = c.pad;
  const Shape ys{c.x[0], c.w[0], c.x[2] + 2 * c.pad - c.w[2] + 1, c.x[3] + 2 * c.pad - c.w[3] + 1};
  const Tensor x = randn(c.x), w = masked_weight(c), y = randn(ys);
  Tensor out = zeros(face == Face::forward ? ys : face == Face::input_grad ? c.x : c.w);
  const kernels::View<const float> none;
  for (auto _ : state) {
    switch (face) {
      case Face::forward:
        (im2col ? k::conv2d_forward_im2col<float> : k::conv2d_forward<float>)(
            out.view<float>(), x.view<const float>(), w.view<const float>(), none, a);
        break;
      case Face::input_grad:
        (im2col ? k::conv2d_backward_input_im2col<float> : k::conv2d_backward_input<float>)(
            out.view<float>(), y.view<const float>(), w.view<const float>(), none, a);
        break;
      case Face::weight_grad:
        (im2col ? k::conv2d_backward_weight_im2col<float> : k::conv2d_backward_weight<float>)(
            out.view<float>(), x.view<const float>(), y.view<const float>(), a);
        break;
    }
    benchmark::DoNotOptimize(out.data_ptr());
  }
  const double flops = 2.0 * static_cast<double>(ys[0] * ys[2] * ys[3]) * static_cast<double>(c.w[0] * c.w[1] * c.w[2] * c.w[3]);
  state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
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
  const std::pair<Face, const char*> faces[] = {
      {Face::forward, "forward"}, {Face::input_grad, "input_grad"}, {Face::weight_grad, "weight_grad"}};
  for (const Case& c : kCases)
    for (const auto& [face, face_name] : faces)
      for (bool im2col : {false, true})
        benchmark::RegisterBenchmark(
            (std::string("s1/") + face_name + "/" + c.name + (im2col ? "/im2col" : "/new")).c_str(), conv_kernel, c,
            face, im2col)
            ->Unit(benchmark::kMillisecond)
            ->MeasureProcessCPUTime()
            ->UseRealTime();
  return 0;
}
const int kRegistered = register_all();

}  // namespace
}  // namespace nabla

BENCHMARK_MAIN();
