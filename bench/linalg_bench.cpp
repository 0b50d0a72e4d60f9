// matmul throughput: nabla's prim::matmul beside a plain Eigen GEMM on the
// same buffers (the reference), in GFLOP/s, so the ratio shows in one run.
//
//   ./build/bench/linalg_bench --benchmark_min_time=0.1
//
// The reference is Eigen's operator*, threaded by Eigen itself; nabla runs
// Eigen's sequential kernel on fixed output tiles (kernels/cpu/linalg.cpp).
// On a shared machine OMP_NUM_THREADS=1 gives the steadier comparison.
//
// Shapes: square 256, 512, 1024, and 64x784x256 (an MLP layer on a batch of
// 64 flattened 28x28 images). The *_bt variants take b as the transposed view
// of a row-major [n, k] matrix, the layout of x @ W^T in a linear layer.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <string>

#include "core/linalg.h"
#include "core/random.h"
#include "core/views.h"

namespace {

using nabla::Tensor;
using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Problem {
  int64_t m, k, n;
  Tensor a, b;  // a [m, k]; b [k, n], or the transposed view of [n, k]
  Problem(const benchmark::State& state, bool b_transposed)
      : m(state.range(0)), k(state.range(1)), n(state.range(2)) {
    nabla::Generator gen(0);
    a = nabla::randn({m, k}, nabla::DType::f32, &gen);
    b = b_transposed ? nabla::prim::transpose(nabla::randn({n, k}, nabla::DType::f32, &gen), 0, 1)
                     : nabla::randn({k, n}, nabla::DType::f32, &gen);
  }
};

void set_counters(benchmark::State& state, const Problem& p) {
  const double flops = 2.0 * static_cast<double>(p.m * p.n * p.k) * static_cast<double>(state.iterations());
  state.counters["GFLOP"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsRate);
}

void nabla_matmul(benchmark::State& state, bool b_transposed) {
  const Problem p(state, b_transposed);
  for (auto _ : state) {
    Tensor c = nabla::prim::matmul(p.a, p.b);
    benchmark::DoNotOptimize(c.data_ptr());
  }
  set_counters(state, p);
}

void eigen_gemm(benchmark::State& state, bool b_transposed) {
  const Problem p(state, b_transposed);
  Eigen::Map<const RowMat> a(p.a.data<float>(), p.m, p.k);
  RowMat c(p.m, p.n);
  if (b_transposed) {
    Eigen::Map<const RowMat> bt(p.b.data<float>(), p.n, p.k);
    for (auto _ : state) {
      c.noalias() = a * bt.transpose();
      benchmark::DoNotOptimize(c.data());
    }
  } else {
    Eigen::Map<const RowMat> b(p.b.data<float>(), p.k, p.n);
    for (auto _ : state) {
      c.noalias() = a * b;
      benchmark::DoNotOptimize(c.data());
    }
  }
  set_counters(state, p);
}

}  // namespace

// Registered shape by shape, so each nabla row sits next to its Eigen reference.
int main(int argc, char** argv) {
  const int64_t shapes[][3] = {{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}, {64, 784, 256}};
  for (const auto& s : shapes)
    for (bool bt : {false, true}) {
      const std::string suffix = bt ? "_bt" : "";
      for (auto* b : {benchmark::RegisterBenchmark(("nabla_matmul" + suffix).c_str(), nabla_matmul, bt),
                      benchmark::RegisterBenchmark(("eigen_gemm" + suffix).c_str(), eigen_gemm, bt)})
        b->Args({s[0], s[1], s[2]})->ArgNames({"m", "k", "n"})->Unit(benchmark::kMillisecond)->UseRealTime();
    }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
