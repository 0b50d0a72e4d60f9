// CUDA kernels beside their references, in one binary: our float GEMMs
// (exact fp32 "hand" and TF32 tensor cores "tf32") beside cuBLAS (default
// fp32 math and CUBLAS_TF32_TENSOR_OP_MATH) on the same buffers, in TFLOP/s
// with the ratios hand / cuBLAS and tf32 / cuBLAS-TF32; memory-bound kernels
// (add, mul, leaky_relu, sums, batch norm, softmax) as a fraction of the
// measured cudaMemcpy device-to-device bandwidth of the same bytes.
//
//   ./build/bench/cuda_bench --benchmark_min_time=0.2
//   ./build/bench/cuda_bench --benchmark_filter='Sgemm'   # the GEMM table
//
// Without a CUDA device (or in a build without CUDA) every benchmark reports
// "no CUDA device" and the program exits 0.
//
// Timing: wall clock around a batch of launches closed by a stream
// synchronize (UseManualTime); the counters are the median over 5 such
// batches. The L2 cache (50 MB on H100) is not flushed, so the small GEMMs
// (64x784x256, 1024^3) can run partly from cache; the bandwidth cases use
// 256 MB or more per pass, past the cache.
// GEMM shapes (M x N x K, row-major f32): 1024^3, 2048^3, 4096^3 (137 GFLOP);
// 128 x 3136 x 1024, the im2col GEMM of the DCGAN-28 discriminator's second
// convolution (64 -> 128 channels, k4 s2 p1, 14x14 -> 7x7, batch 64); and
// 64x784x256 (an MLP layer on a batch of 64 flattened 28x28 images).
// Bandwidth: bytes = each input read once + each output written once (the
// fewest any kernel must move); over_memcpy = our GB/s / memcpy GB/s, where
// the copy moves the same number of bytes (read + written).
// The DCGAN-28 convolutions (k4 s2 p1, batch 64) through nabla's conv2d /
// conv_transpose2d, forward and forward + backward, ours (im2col + the hand
// GEMM) beside cuDNN (set_backend("conv", "vendor"), FMA math, heuristic
// algorithm) on the same tensors: GFLOP/s counted as in bench/conv_bench.cpp
// and hand / cuDNN (the ratio of rates; > 1: ours is faster). A build without
// cuDNN reports ours only.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "autograd/nabla.h"
#include "core/backend.h"
#include "core/norm.h"
#include "kernels/cuda/copy.h"
#include "kernels/cuda/cudnn_conv.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/linalg.h"
#include "kernels/cuda/random.h"
#include "kernels/cuda/reduce.h"
#include "kernels/cuda/softmax.h"
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

// The median over 5 batches of seconds_per_call(f, reps).
template <class F>
double median_seconds(F&& f, int reps) {
  std::vector<double> t;
  for (int i = 0; i < 5; ++i) t.push_back(seconds_per_call(f, reps));
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

// Times the hand GEMM through the benchmark loop, then all four backends on
// the same buffers (median of 5 batches each), and reports their rates.
void BM_Sgemm(benchmark::State& state) {
  if (!have_device(state)) return;
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  Buffer a(m, k, 1), b(k, n, 2), c(m, n, 3);
  const double flops = 2.0 * double(m) * double(n) * double(k);
  const int reps = flops > 1e11 ? 5 : 20;
  auto with = [&](Backend be) { return [&, be] { cuda::matmul<float>(c.v, a.in(), b.in(), be); }; };
  for (auto _ : state) state.SetIterationTime(seconds_per_call(with(Backend::hand), reps) * reps);
  const double hand = median_seconds(with(Backend::hand), reps), tf32 = median_seconds(with(Backend::tf32), reps);
  const double blas = median_seconds(with(Backend::vendor), reps);
  const double blas_tf32 = median_seconds(with(Backend::vendor_tf32), reps);
  state.counters["hand_TFLOPs"] = flops / hand / 1e12;
  state.counters["cublas_TFLOPs"] = flops / blas / 1e12;
  state.counters["hand_over_cublas"] = blas / hand;
  state.counters["tf32_TFLOPs"] = flops / tf32 / 1e12;
  state.counters["cublas_tf32_TFLOPs"] = flops / blas_tf32 / 1e12;
  state.counters["tf32_over_cublas_tf32"] = blas_tf32 / tf32;
}
BENCHMARK(BM_Sgemm)->Args({1024, 1024, 1024})->Args({2048, 2048, 2048})->Args({4096, 4096, 4096})
    ->Args({128, 3136, 1024})->Args({64, 256, 784})->UseManualTime()->Unit(benchmark::kMillisecond);

// Runs `op` through the benchmark loop and reports its bandwidth over
// `bytes` (inputs read once + outputs written once) beside cudaMemcpy D2D of
// the same bytes (half read, half written).
template <class F>
void report_bandwidth(benchmark::State& state, F&& op, double bytes) {
  for (auto _ : state) state.SetIterationTime(seconds_per_call(op, 5) * 5);
  const int64_t n_copy = static_cast<int64_t>(bytes / 2 / sizeof(float));
  Buffer src(1, n_copy, 101), dst(1, n_copy, 102);
  const double copy_bytes = 2.0 * double(n_copy) * sizeof(float);
  auto memcpy = [&] { cuda::memcpy(dst.v.data, src.v.data, n_copy * sizeof(float), 0); };
  const double copy = copy_bytes / median_seconds(memcpy, 10);
  const double gbs = bytes / median_seconds(op, 10);
  state.counters["GBs"] = gbs / 1e9;
  state.counters["memcpy_GBs"] = copy / 1e9;
  state.counters["over_memcpy"] = gbs / copy;
}

// state.range(0): 0 add, 1 mul (3 n floats moved), 2 leaky_relu (2 n).
void BM_Elementwise(benchmark::State& state) {
  if (!have_device(state)) return;
  const int64_t n = state.range(1);
  Buffer a(1, n, 1), b(1, n, 2), c(1, n, 3);
  using nabla::kernels::Binary;
  switch (state.range(0)) {
    case 0: return report_bandwidth(state, [&] { cuda::binary<float>(Binary::add, c.v, a.in(), b.in()); }, 12.0 * n);
    case 1: return report_bandwidth(state, [&] { cuda::binary<float>(Binary::mul, c.v, a.in(), b.in()); }, 12.0 * n);
    default:
      return report_bandwidth(
          state, [&] { cuda::unary<float>(nabla::kernels::Unary::leaky_relu, {0.2}, c.v, a.in()); }, 8.0 * n);
  }
}
BENCHMARK(BM_Elementwise)->ArgsProduct({{0, 1, 2}, {1 << 26}})->UseManualTime()->Unit(benchmark::kMillisecond);

// Sum of rows x cols over the last dim (rows outputs); rows = 1: the sum of
// the whole tensor to a scalar.
void BM_Sum(benchmark::State& state) {
  if (!have_device(state)) return;
  const int64_t rows = state.range(0), cols = state.range(1);
  Buffer x(rows, cols, 1), out(1, rows, 2);
  View<float> o = out.v;
  o.ndim = rows == 1 ? 0 : 1, o.size[0] = rows, o.stride[0] = 1;
  View<const float> in = x.in();
  if (rows == 1) in.ndim = 1, in.size[0] = cols, in.stride[0] = 1;
  report_bandwidth(state, [&] { cuda::reduce<float>(nabla::kernels::Reduce::sum, o, in); },
                   4.0 * double(rows * cols + rows));
}
BENCHMARK(BM_Sum)->Args({1, 1 << 26})->Args({4096, 16384})->Args({64, 1 << 20})->Args({1 << 20, 64})
    ->UseManualTime()->Unit(benchmark::kMillisecond);

// Batch norm forward in training mode (batch statistics, affine) on
// [N, C, H, W]; softmax over the last dim of [rows, cols]. Both read x once
// and write out once at best.
void BM_BatchNorm(benchmark::State& state) {
  if (!have_device(state)) return;
  using namespace nabla;
  const Device dev = Device::cuda(0);
  const Shape shape{state.range(0), state.range(1), state.range(2), state.range(2)};
  const Tensor x = to(randn(shape), dev), w = to(randn({shape[1]}), dev), b = to(randn({shape[1]}), dev);
  auto op = [&] { benchmark::DoNotOptimize(prim::batch_norm(x, w, b, {}, {}, true).out.data_ptr()); };
  report_bandwidth(state, op, 8.0 * double(x.numel()));
}
BENCHMARK(BM_BatchNorm)->Args({256, 128, 28})->Args({64, 64, 64})->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_Softmax(benchmark::State& state) {
  if (!have_device(state)) return;
  const int64_t rows = state.range(0), cols = state.range(1);
  Buffer x(rows, cols, 1), y(rows, cols, 2);
  report_bandwidth(state, [&] { cuda::softmax<float>(y.v, x.in(), false); }, 8.0 * double(rows * cols));
}
BENCHMARK(BM_Softmax)->Args({65536, 1024})->Args({1 << 20, 64})->Args({256, 1 << 18})->UseManualTime()
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
