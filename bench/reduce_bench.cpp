// Reductions and softmax on a 4096 x 4096 f32 input: along the contiguous dim
// (rows), along the leading dim (tiles of neighbouring outputs) and over
// everything (fixed chunks across threads). Reports input GB/s.
//   ./build/bench/reduce_bench --benchmark_filter=Sum
#include <benchmark/benchmark.h>

#include <functional>

#include "autograd/nabla.h"
#include "core/reduce.h"
#include "core/softmax.h"

namespace {

using namespace nabla;
constexpr int64_t kN = 4096;

const Tensor& input() {
  static const Tensor x = randn({kN, kN});
  return x;
}

// range(0): 0 = reduce dim 1, 1 = dim 0, 2 = every dim (softmax: 0 and 1 only).
Dims dims_of(int64_t which) { return which == 0 ? Dims{1} : which == 1 ? Dims{0} : Dims{}; }

void run(benchmark::State& state, const std::function<Tensor(const Tensor&, const Dims&)>& f) {
  const Dims dims = dims_of(state.range(0));
  input();  // made once, outside the timing
  for (auto _ : state) benchmark::DoNotOptimize(f(input(), dims));
  state.SetBytesProcessed(state.iterations() * kN * kN * int64_t(sizeof(float)));
}

void Sum(benchmark::State& s) { run(s, [](auto& x, auto& d) { return prim::sum(x, d); }); }
void Max(benchmark::State& s) { run(s, [](auto& x, auto& d) { return prim::max(x, d); }); }
void Argmax(benchmark::State& s) { run(s, [](auto& x, auto& d) { return prim::argmax(x, d); }); }
void Var(benchmark::State& s) { run(s, [](auto& x, auto& d) { return prim::var(x, d); }); }
void Logsumexp(benchmark::State& s) { run(s, [](auto& x, auto& d) { return prim::logsumexp(x, d); }); }
void Norm2(benchmark::State& s) { run(s, [](auto& x, auto& d) { return prim::norm(x, 2, d); }); }
void Softmax(benchmark::State& s) { run(s, [](auto& x, auto& d) { return prim::softmax(x, d[0]); }); }
void LogSoftmax(benchmark::State& s) { run(s, [](auto& x, auto& d) { return prim::log_softmax(x, d[0]); }); }

}  // namespace

BENCHMARK(Sum)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(Max)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(Argmax)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(Var)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(Logsumexp)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(Norm2)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
BENCHMARK(Softmax)->DenseRange(0, 1)->Unit(benchmark::kMillisecond);
BENCHMARK(LogSoftmax)->DenseRange(0, 1)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
