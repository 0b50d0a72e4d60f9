// CUDA kernels beside their references, in one binary: our SGEMM beside
// cuBLAS (TFLOP/s and the ratio hand / cuBLAS), elementwise add and row sums
// beside cudaMemcpy device-to-device (GB/s and the ratio to the copy).
//
//   ./build/bench/cuda_bench --benchmark_min_time=0.2
//
// Without a CUDA device (or in a build without CUDA) every benchmark reports
// "no CUDA device" and the program exits 0.
//
// Timing: wall clock around a batch of launches closed by a stream
// synchronize (UseManualTime); the L2 cache is not flushed, so the small
// GEMM (64x784x256) and the sums can run partly from cache.
// Shapes: square GEMMs 1024, 2048, 4096 and 64x784x256 (an MLP layer on a
// batch of 64 flattened 28x28 images), all row-major f32; the DCGAN-28
// convolutions (k4 s2 p1, batch 64) through nabla's conv2d / conv_transpose2d,
// forward and forward + backward, ours (im2col + the hand GEMM) beside cuDNN
// (set_backend("conv", "vendor"), FMA math, heuristic algorithm) on the same
// tensors: GFLOP/s counted as in bench/conv_bench.cpp and hand / cuDNN (the
// ratio of rates; > 1: ours is faster). A build without cuDNN reports ours only.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

#include "autograd/nabla.h"
#include "core/backend.h"
#include "kernels/cuda/copy.h"
#include "kernels/cuda/cudnn_conv.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/linalg.h"
#include "kernels/cuda/random.h"
#include "kernels/cuda/reduce.h"
#include "kernels/device.h"

namespace {

using nabla::kernels::Backend;
using nabla::kernels::View;
namespace cuda = nabla::kernels::cuda;

// A row-major f32 device buffer of rows x cols, filled with U[-1, 1).
struct Buffer {
  View<float> v;
  Buffer(int64_t rows, int64_t cols, uint64_t seed) {
    v.data = static_cast<float*>(cuda::malloc(static_cast<size_t>(rows * cols) * sizeof(float), 0));
    v.ndim = 2;
    v.size[0] = rows, v.size[1] = cols, v.stride[0] = cols, v.stride[1] = 1;
    cuda::random<float>(v, {nabla::kernels::Distribution::uniform, -1, 1}, seed, 0);
  }
  ~Buffer() { cuda::free(v.data, 0); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  View<const float> in() const { return v.as_const(); }
};

bool have_device(benchmark::State& state) {
  if (cuda::device_count() > 0) return true;
  state.SkipWithError("no CUDA device");
  return false;
}

// Seconds per call of f, averaged over `reps` calls after one warm-up call.
template <class F>
double seconds_per_call(F&& f, int reps) {
  f();
  cuda::synchronize(0);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) f();
  cuda::synchronize(0);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
}

// Times the hand GEMM through the benchmark loop, then cuBLAS on the same
// buffers, and reports both rates and hand / cuBLAS.
void BM_Sgemm(benchmark::State& state) {
  if (!have_device(state)) return;
  const int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  Buffer a(m, k, 1), b(k, n, 2), c(m, n, 3);
  const double flops = 2.0 * double(m) * double(n) * double(k);
  auto gemm = [&](Backend be) { cuda::matmul<float>(c.v, a.in(), b.in(), be); };
  for (auto _ : state) state.SetIterationTime(seconds_per_call([&] { gemm(Backend::hand); }, 5) * 5);
  const double hand = seconds_per_call([&] { gemm(Backend::hand); }, 10);
  const double blas = seconds_per_call([&] { gemm(Backend::vendor); }, 10);
  state.counters["hand_TFLOPs"] = flops / hand / 1e12;
  state.counters["cublas_TFLOPs"] = flops / blas / 1e12;
  state.counters["hand_over_cublas"] = blas / hand;
}
BENCHMARK(BM_Sgemm)->Args({1024, 1024, 1024})->Args({2048, 2048, 2048})->Args({4096, 4096, 4096})
    ->Args({64, 784, 256})->UseManualTime()->Unit(benchmark::kMillisecond);

// The reference bandwidth: cudaMemcpy device to device of n floats (bytes
// read + written).
double memcpy_gbs(const Buffer& src, Buffer& dst, int64_t n) {
  const double s = seconds_per_call([&] { cuda::memcpy(dst.v.data, src.v.data, n * sizeof(float), 0); }, 10);
  return 2.0 * double(n) * sizeof(float) / s / 1e9;
}

void BM_Add(benchmark::State& state) {
  if (!have_device(state)) return;
  const int64_t n = state.range(0);
  Buffer a(1, n, 1), b(1, n, 2), c(1, n, 3);
  auto add = [&] { cuda::binary<float>(nabla::kernels::Binary::add, c.v, a.in(), b.in()); };
  for (auto _ : state) state.SetIterationTime(seconds_per_call(add, 5) * 5);
  const double gbs = 3.0 * double(n) * sizeof(float) / seconds_per_call(add, 10) / 1e9;
  const double copy = memcpy_gbs(a, c, n);
  state.counters["GBs"] = gbs;
  state.counters["memcpy_GBs"] = copy;
  state.counters["over_memcpy"] = gbs / copy;
}
BENCHMARK(BM_Add)->Arg(1 << 24)->Arg(1 << 26)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_SumRows(benchmark::State& state) {
  if (!have_device(state)) return;
  const int64_t rows = state.range(0), cols = state.range(1);
  Buffer x(rows, cols, 1), out(1, rows, 2), scratch(rows, cols, 3);
  View<float> o = out.v;
  o.ndim = 1, o.size[0] = rows, o.stride[0] = 1;
  auto sum = [&] { cuda::reduce<float>(nabla::kernels::Reduce::sum, o, x.in()); };
  for (auto _ : state) state.SetIterationTime(seconds_per_call(sum, 5) * 5);
  const double gbs = double(rows * cols) * sizeof(float) / seconds_per_call(sum, 10) / 1e9;
  const double copy = memcpy_gbs(x, scratch, rows * cols);
  state.counters["GBs"] = gbs;
  state.counters["memcpy_GBs"] = copy;
  state.counters["over_memcpy"] = gbs / copy;
}
BENCHMARK(BM_SumRows)->Args({4096, 16384})->Args({64, 1 << 20})->Args({1 << 20, 64})->UseManualTime()
    ->Unit(benchmark::kMillisecond);

struct ConvLayer {
  bool transposed;
  nabla::Shape x, w;
};
// Discriminator 1->64 on 28x28, 64->128 on 14x14; generator 128->64 on 7x7, 64->1 on 14x14.
const ConvLayer kConvLayers[] = {{false, {64, 1, 28, 28}, {64, 1, 4, 4}},
                                 {false, {64, 64, 14, 14}, {128, 64, 4, 4}},
                                 {true, {64, 128, 7, 7}, {128, 64, 4, 4}},
                                 {true, {64, 64, 14, 14}, {64, 1, 4, 4}}};

// state.range(0): the layer; state.range(1): 1 for forward + backward.
void BM_Conv(benchmark::State& state) {
  if (!have_device(state)) return;
  using namespace nabla;
  const ConvLayer& l = kConvLayers[state.range(0)];
  const bool backward = state.range(1) != 0;
  const Conv2dParams p{.stride = {2, 2}, .padding = {1, 1}};
  const Device dev = Device::cuda(0);
  const Tensor x = to(randn(l.x), dev).requires_grad_(), w = to(randn(l.w), dev).requires_grad_();
  auto apply = [&] { return l.transposed ? conv_transpose2d(x, w, {}, p) : conv2d(x, w, {}, p); };
  const Tensor y0 = apply(), g = to(randn(y0.shape()), dev);
  auto step = [&] {
    const Tensor y = apply();
    if (backward) benchmark::DoNotOptimize(grad({y}, {x, w}, {g})[1].data_ptr());
  };
  for (auto _ : state) state.SetIterationTime(seconds_per_call(step, 5) * 5);
  const Shape& conv_out = l.transposed ? l.x : y0.shape();  // the conv side's output positions
  const double macs = double(conv_out[0] * conv_out[2] * conv_out[3]) * double(l.w[0] * l.w[1] * l.w[2] * l.w[3]);
  const double flops = (backward ? 6 : 2) * macs;
  const double hand = seconds_per_call(step, 10);
  state.counters["GFLOPs"] = flops / hand / 1e9;
  if (!cuda::cudnn::available()) return;
  set_backend("conv", "vendor");
  const double vendor = seconds_per_call(step, 10);
  set_backend("conv", "hand");
  state.counters["cudnn_GFLOPs"] = flops / vendor / 1e9;
  state.counters["hand_over_cudnn"] = vendor / hand;
}
BENCHMARK(BM_Conv)->ArgsProduct({{0, 1, 2, 3}, {0, 1}})->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
