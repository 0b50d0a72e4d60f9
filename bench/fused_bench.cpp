// The fused and batched kernels of issue 8 beside what they replace, in one
// binary, each reporting the ratio (reference time / ours):
//   Adam       the fused update vs nn::Adam's former unfused tensor sequence
//              (11 elementwise ops), CPU and CUDA; CUDA also GB/s of the 7
//              streams (read p, g, m, s; write p, m, s) over cudaMemcpy's
//   Slogdet    1024 matrices 32x32 f32: ours (one block per matrix) vs
//              cublasSgetrfBatched (LU only, no log-sum: a lower bound for
//              the vendor path); CPU: ours
//   Inverse    1024 matrices 32x32 f32: ours vs cublasSmatinvBatched
//   ConvTransposeAct, BatchNormAct  DCGAN-28's fused layers (forward and
//              backward) vs the unfused composites, CPU and CUDA
//   Svdvals    64 matrices 784x100 (f32 in, computed in f64): CUDA ours vs
//              our CPU kernel; CPU one-sided Jacobi vs the Gram + eigh path
//              the Jacobian metric used before (on 8 matrices)
//
//   ./build/bench/fused_bench --benchmark_min_time=0.2
//
// Without a CUDA device (or in a build without CUDA) the CUDA benchmarks
// report "no CUDA device"; the CPU ones run. Timing as bench/cuda_bench.cpp:
// wall clock around launches closed by a synchronize, L2 not flushed.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "autograd/nabla.h"
#include "core/det.h"
#include "core/eigh.h"
#include "core/optim.h"
#include "core/svdvals.h"
#include "kernels/device.h"

#ifdef NABLA_HAS_CUDA
#include <cublas_v2.h>
#endif

namespace {

using namespace nabla;
namespace cuda = nabla::kernels::cuda;

bool have_device(benchmark::State& state) {
  if (cuda::device_count() > 0) return true;
  state.SkipWithError("no CUDA device");
  return false;
}

void sync(Device dev) {
  if (dev.is_cuda()) cuda::synchronize(0);
}

// Seconds per call of f, averaged over `reps` calls after one warm-up call.
template <class F>
double seconds_per_call(F&& f, int reps, Device dev) {
  f();
  sync(dev);
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) f();
  sync(dev);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / reps;
}

Tensor lerp(const Tensor& a, const Tensor& b, double w) { return w < 0.5 ? a + (b - a) * w : b - (b - a) * (1 - w); }

// One Adam step over n floats, fused or as the former tensor sequence.
struct AdamProblem {
  Tensor p, g, m, s;
  prim::AdamStep step{0.1, 0.999, 0.001, 0.0316, 1e-8, 0, -0.01};
  AdamProblem(int64_t n, Device dev) {
    Generator gen(1);
    p = to(randn({n}, DType::f32, &gen), dev), g = to(randn({n}, DType::f32, &gen), dev);
    m = zeros({n}, Options(DType::f32, dev)), s = zeros({n}, Options(DType::f32, dev));
  }
  void fused() { prim::adam_step_(p, m, s, g, step); }
  void unfused() {
    copy_(m, lerp(m, g, step.lerp_weight));
    copy_(s, s * step.beta2 + g * g * step.one_minus_beta2);
    add_(p, m / (sqrt(s) / step.bias_correction2_sqrt + step.eps), step.neg_step_size);
  }
};

void adam(benchmark::State& state, Device dev) {
  AdamProblem a(state.range(0), dev);
  for (auto _ : state) state.SetIterationTime(seconds_per_call([&] { a.fused(); }, 5, dev) * 5);
  const double fused = seconds_per_call([&] { a.fused(); }, 10, dev);
  const double unfused = seconds_per_call([&] { a.unfused(); }, 10, dev);
  state.counters["fused_ms"] = fused * 1e3;
  state.counters["unfused_ms"] = unfused * 1e3;
  state.counters["speedup"] = unfused / fused;
  if (dev.is_cuda()) {
    const int64_t n = state.range(0);
    const double copy = seconds_per_call([&] { cuda::memcpy(a.m.data_ptr(), a.p.data_ptr(), n * 4, 0); }, 10, dev);
    state.counters["GBs"] = 7.0 * double(n) * 4 / fused / 1e9;
    state.counters["memcpy_GBs"] = 2.0 * double(n) * 4 / copy / 1e9;
  }
}
void BM_AdamCpu(benchmark::State& state) { adam(state, Device::cpu()); }
void BM_AdamCuda(benchmark::State& state) {
  if (have_device(state)) adam(state, Device::cuda(0));
}
BENCHMARK(BM_AdamCpu)->Arg(1 << 20)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AdamCuda)->Arg(1 << 20)->Arg(1 << 24)->UseManualTime()->Unit(benchmark::kMillisecond);

// Forward and backward (gradients of <y, v> in every leaf) of DCGAN-28's
// fused layers, fused or as the unfused composite:
//   ConvTransposeAct  the generator's last layer: conv_transpose2d(64 -> 1,
//                     k4 s2 p1) + bias + tanh on [64, 64, 14, 14]
//   BatchNormAct      its batch norm + ReLU on [64, 64, 14, 14], training
struct FusedLayer {
  Tensor x, w, b, v;
  bool conv;
  FusedLayer(bool conv, Device dev) : conv(conv) {
    Generator gen(3);
    x = to(randn({64, 64, 14, 14}, DType::f32, &gen), dev);
    w = to(randn(conv ? Shape{64, 1, 4, 4} : Shape{64}, DType::f32, &gen), dev);
    b = to(randn({conv ? 1 : 64}, DType::f32, &gen), dev);
    for (Tensor* t : {&x, &w, &b}) t->requires_grad_();
    v = to(randn(conv ? Shape{64, 1, 28, 28} : Shape{64, 64, 14, 14}, DType::f32, &gen), dev);
  }
  void run(bool fused) {
    const Conv2dParams p{.stride = {2, 2}, .padding = {1, 1}};
    Tensor y;
    if (conv) y = fused ? conv_transpose2d_act(x, w, b, p, {Act::tanh}) : tanh(conv_transpose2d(x, w, b, p));
    else if (fused) y = batch_norm_act(x, w, b, {}, {}, true, 0.1, 1e-5, {Act::relu});
    else y = relu(batch_norm(x, w, b, {}, {}, true));
    benchmark::DoNotOptimize(grad({y}, {x, w, b}, {v}));
  }
};

// Process CPU seconds per call (all threads): on a shared machine it moves
// less with the load than the wall clock.
template <class F>
double cpu_seconds_per_call(F&& f, int reps) {
  f();
  const std::clock_t t0 = std::clock();
  for (int i = 0; i < reps; ++i) f();
  return double(std::clock() - t0) / CLOCKS_PER_SEC / reps;
}

// Counters: fused_ms, unfused_ms and speedup in wall time on CUDA, in
// process CPU time on the CPU; fused and unfused alternate 5 times, medians.
void fused_layer(benchmark::State& state, bool conv, Device dev) {
  FusedLayer l(conv, dev);
  for (auto _ : state) state.SetIterationTime(seconds_per_call([&] { l.run(true); }, 3, dev) * 3);
  auto time = [&](bool fused) {
    return dev.is_cuda() ? seconds_per_call([&] { l.run(fused); }, 3, dev)
                         : cpu_seconds_per_call([&] { l.run(fused); }, 3);
  };
  std::vector<double> f, u;
  for (int i = 0; i < 5; ++i) f.push_back(time(true)), u.push_back(time(false));
  std::sort(f.begin(), f.end());
  std::sort(u.begin(), u.end());
  const double fused = f[2], unfused = u[2];
  state.counters["fused_ms"] = fused * 1e3;
  state.counters["unfused_ms"] = unfused * 1e3;
  state.counters["speedup"] = unfused / fused;
}
void BM_ConvTransposeActCpu(benchmark::State& state) { fused_layer(state, true, Device::cpu()); }
void BM_BatchNormActCpu(benchmark::State& state) { fused_layer(state, false, Device::cpu()); }
void BM_ConvTransposeActCuda(benchmark::State& state) {
  if (have_device(state)) fused_layer(state, true, Device::cuda(0));
}
void BM_BatchNormActCuda(benchmark::State& state) {
  if (have_device(state)) fused_layer(state, false, Device::cuda(0));
}
BENCHMARK(BM_ConvTransposeActCpu)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BatchNormActCpu)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ConvTransposeActCuda)->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BatchNormActCuda)->UseManualTime()->Unit(benchmark::kMillisecond);

Tensor batch_of_matrices(int64_t batch, int64_t n, Device dev) {
  Generator gen(2);
  return to(randn({batch, n, n}, DType::f32, &gen), dev);
}

#ifdef NABLA_HAS_CUDA
// cuBLAS's batched LU (and inverse) over the contiguous batch `a` (row-major
// matrices read as column-major transposes: same determinant).
struct CublasBatch {
  cublasHandle_t handle = nullptr;
  Tensor work, out, pointers, out_pointers, pivots, info;
  int n, batch;
  explicit CublasBatch(const Tensor& a) : n(static_cast<int>(a.size(1))), batch(static_cast<int>(a.size(0))) {
    cublasCreate(&handle);
    work = clone(a), out = clone(a);
    std::vector<int64_t> ptrs(batch), out_ptrs(batch);
    for (int b = 0; b < batch; ++b) {
      ptrs[b] = reinterpret_cast<int64_t>(static_cast<float*>(work.data_ptr()) + int64_t(b) * n * n);
      out_ptrs[b] = reinterpret_cast<int64_t>(static_cast<float*>(out.data_ptr()) + int64_t(b) * n * n);
    }
    pointers = to(tensor<int64_t>(ptrs), a.device());
    out_pointers = to(tensor<int64_t>(out_ptrs), a.device());
    pivots = zeros({batch, n}, Options(DType::i64, a.device()));  // room for int32 pivots
    info = zeros({batch}, Options(DType::i64, a.device()));
  }
  ~CublasBatch() { cublasDestroy(handle); }
  float** ptrs(const Tensor& t) { return static_cast<float**>(t.data_ptr()); }
  void getrf() {
    cublasSgetrfBatched(handle, n, ptrs(pointers), n, static_cast<int*>(pivots.data_ptr()),
                        static_cast<int*>(info.data_ptr()), batch);
  }
  void matinv(const Tensor& a) {
    cublasSmatinvBatched(handle, n, const_cast<const float**>(ptrs(pointers)), n, ptrs(out_pointers), n,
                         static_cast<int*>(info.data_ptr()), batch);
    benchmark::DoNotOptimize(a.data_ptr());
  }
};
#endif

void BM_SlogdetCuda(benchmark::State& state) {
  if (!have_device(state)) return;
  const Device dev = Device::cuda(0);
  const Tensor a = batch_of_matrices(state.range(0), state.range(1), dev);
  auto ours = [&] { benchmark::DoNotOptimize(prim::slogdet(a).second.data_ptr()); };
  for (auto _ : state) state.SetIterationTime(seconds_per_call(ours, 5, dev) * 5);
  const double t = seconds_per_call(ours, 20, dev);
  state.counters["ours_ms"] = t * 1e3;
#ifdef NABLA_HAS_CUDA
  CublasBatch ref(a);
  const double lu = seconds_per_call([&] { ref.getrf(); }, 20, dev);
  state.counters["cublas_getrf_ms"] = lu * 1e3;
  state.counters["cublas_over_ours"] = lu / t;
#endif
}
void BM_InverseCuda(benchmark::State& state) {
  if (!have_device(state)) return;
  const Device dev = Device::cuda(0);
  const Tensor a = batch_of_matrices(state.range(0), state.range(1), dev);
  auto ours = [&] { benchmark::DoNotOptimize(prim::inv(a).data_ptr()); };
  for (auto _ : state) state.SetIterationTime(seconds_per_call(ours, 5, dev) * 5);
  const double t = seconds_per_call(ours, 20, dev);
  state.counters["ours_ms"] = t * 1e3;
#ifdef NABLA_HAS_CUDA
  CublasBatch ref(a);
  const double inv = seconds_per_call([&] { ref.matinv(a); }, 20, dev);
  state.counters["cublas_matinv_ms"] = inv * 1e3;
  state.counters["cublas_over_ours"] = inv / t;
#endif
}
void BM_SlogdetCpu(benchmark::State& state) {
  const Tensor a = batch_of_matrices(state.range(0), state.range(1), Device::cpu());
  for (auto _ : state) benchmark::DoNotOptimize(prim::slogdet(a).second.data_ptr());
}
BENCHMARK(BM_SlogdetCuda)->Args({1024, 32})->Args({64, 128})->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InverseCuda)->Args({1024, 32})->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SlogdetCpu)->Args({1024, 32})->Unit(benchmark::kMillisecond);

Tensor jacobians(int64_t batch, int64_t m, int64_t k, Device dev) {
  Generator gen(3);
  return to(randn({batch, m, k}, DType::f32, &gen), dev);
}

// The Jacobian metric's former path: eigenvalues of J^T J in f64.
Tensor gram_svdvals(const Tensor& j) {
  const Tensor a = to(j, DType::f64);
  const Tensor ascending = prim::eigh(bmm(transpose(a, 1, 2), a)).first;
  return flip(sqrt(clamp(ascending, 0.0, std::numeric_limits<double>::infinity())), {1});
}

void BM_SvdvalsCuda(benchmark::State& state) {
  if (!have_device(state)) return;
  const Device dev = Device::cuda(0);
  const Tensor j = jacobians(state.range(0), state.range(1), state.range(2), dev);
  auto ours = [&] { benchmark::DoNotOptimize(prim::svdvals(j).data_ptr()); };
  for (auto _ : state) state.SetIterationTime(seconds_per_call(ours, 1, dev));
  const double t = seconds_per_call(ours, 3, dev);
  const Tensor j_cpu = to(j, Device::cpu());
  const double cpu = seconds_per_call([&] { benchmark::DoNotOptimize(prim::svdvals(j_cpu).data_ptr()); }, 1,
                                      Device::cpu());
  state.counters["ours_ms"] = t * 1e3;
  state.counters["cpu_ms"] = cpu * 1e3;
  state.counters["cpu_over_ours"] = cpu / t;
}
void BM_SvdvalsCpu(benchmark::State& state) {
  const Tensor j = jacobians(state.range(0), state.range(1), state.range(2), Device::cpu());
  for (auto _ : state) benchmark::DoNotOptimize(prim::svdvals(j).data_ptr());
  const double gram = seconds_per_call([&] { benchmark::DoNotOptimize(gram_svdvals(j).data_ptr()); }, 3,
                                       Device::cpu());
  state.counters["gram_eigh_ms"] = gram * 1e3;
}
BENCHMARK(BM_SvdvalsCuda)->Args({64, 784, 100})->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SvdvalsCpu)->Args({8, 784, 100})->Args({64, 32, 16})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
