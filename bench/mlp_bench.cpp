// Pieces of the MLP training steps (mlpgan, vae) on the CPU, to tell where
// two threads help and where they cannot:
//
//   OMP_WAIT_POLICY=passive OMP_NUM_THREADS=2 ./build/bench/mlp_bench
//
// fma_core/threads:N   a register-only FMA loop in N threads at once (time per
//                      thread): if N = 2 takes twice as long per thread as
//                      N = 1, the two vCPUs share one core's FMA units (SMT
//                      siblings), and no parallel split of compute-bound work
//                      can shorten a step.
// omp_region           one empty `#pragma omp parallel` (fork + join, the
//                      wake-up of a sleeping thread under the passive policy).
// linear/m/k/n         prim::linear in f32 (the packed SGEMM + bias) on the
//                      layer shapes of the two models, wall time; compare
//                      OMP_NUM_THREADS=1 with 2.
#include <benchmark/benchmark.h>
#include <omp.h>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

#include "core/factory.h"
#include "core/linear.h"
#include "core/random.h"

namespace {

using nabla::Tensor;

void fma_core(benchmark::State& state) {
#if defined(__AVX2__) && defined(__FMA__)
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-7f);
  __m256 a[10];
  for (auto& v : a) v = _mm256_set1_ps(1.0f);
  for (auto _ : state) {
    for (int i = 0; i < 100000; ++i)
      for (auto& v : a) v = _mm256_fmadd_ps(v, x, y);  // ten independent chains: the FMA ports, not the latency
    benchmark::DoNotOptimize(a);
  }
  state.counters["GFMA_lanes"] = benchmark::Counter(8e6 * static_cast<double>(state.iterations()),
                                                    benchmark::Counter::kIsRate);
#else
  state.SkipWithError("built without AVX2 + FMA");
#endif
}
BENCHMARK(fma_core)->Threads(1)->Threads(2)->UseRealTime();

void omp_region(benchmark::State& state) {
  int sink = 0;
  for (auto _ : state) {
#pragma omp parallel reduction(+ : sink)
    sink += omp_get_thread_num();
  }
  benchmark::DoNotOptimize(sink);
}
BENCHMARK(omp_region)->UseRealTime();

void linear(benchmark::State& state) {
  const int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  nabla::Generator gen(0);
  const Tensor x = nabla::randn({m, k}, nabla::DType::f32, &gen), w = nabla::randn({n, k}, nabla::DType::f32, &gen);
  const Tensor b = nabla::randn({n}, nabla::DType::f32, &gen);
  for (auto _ : state) benchmark::DoNotOptimize(nabla::prim::linear(x, w, b));
  state.counters["GFLOPs"] = benchmark::Counter(2.0 * static_cast<double>(m * k * n * state.iterations()),
                                                benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}
// mlpgan (batch 64): 64-256-256-784 and 784-256-256-1; vae (batch 128): 784-400-40, 20-400-784.
BENCHMARK(linear)
    ->Args({64, 64, 256})
    ->Args({64, 256, 256})
    ->Args({64, 256, 784})
    ->Args({64, 784, 256})
    ->Args({128, 784, 400})
    ->Args({128, 400, 40})
    ->Args({128, 20, 400})
    ->Args({128, 400, 784})
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
