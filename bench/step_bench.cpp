// Milliseconds per full training step (forward, backward, optimizer update:
// the Trainer's step() as `nabla train` runs it) of the models that issue 8
// compares with PyTorch, at their registry default batch sizes, on
// Fashion-MNIST (dataset-fashion-mnist; the loader's batch copy is part of
// the step, a few microseconds).
//
//   OMP_NUM_THREADS=2 ./build/bench/step_bench --benchmark_filter='step/dcgan$'
//   NABLA_BENCH_DEVICE=cuda ./build/bench/step_bench      (a CUDA build)
//
// On CUDA, step_graph/<model> times the same step captured once as a CUDA
// graph and replayed (`nabla train --cuda-graph`, models/train/graph_step.h):
// the difference is the launch overhead the graph removes. A model whose
// step cannot be captured reports the reason as its error.
//
// bench/run_e2e runs this beside the PyTorch peers (bench/peers/) and prints
// the ratios. "CPU" is the process's CPU time per step, all threads: on a
// shared machine it moves less with the load than the wall time. Counters: alloc_MB = bytes the CPU storages allocated per step
// (allocation churn); peak_MB = the CUDA allocator's peak on a GPU, else the
// process's peak resident set (dataset and code included; one model per
// process gives a per-model figure); params = trained parameters, which the
// runner checks against the peer's.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "autograd/nabla.h"
#include "core/cuda_memory.h"
#include "core/storage.h"
#include "models/registry.h"
#include "models/train/graph_step.h"

namespace nabla {
namespace {

// The models of issue 8 by registry name (dcgan is DCGAN-28).
const char* const kModels[] = {"mlpgan", "dcgan", "wgan-gp", "vae", "realnvp", "pixelcnn"};
constexpr int kWarmupSteps = 2;

Device bench_device() {
  const char* d = std::getenv("NABLA_BENCH_DEVICE");
  return d && *d ? Device::parse(d) : Device::cpu();
}

// One trainer per model for the process: Google Benchmark calls a function
// more than once while it sizes the run, and building a trainer (and loading
// the data set) is not part of a step.
train::TrainConfig bench_config(const std::string& name) {
  const ModelEntry& m = find_model(name);
  train::TrainConfig c;
  c.model = name;
  c.steps = 100000;
  c.batch = m.defaults.batch;
  c.lr = m.defaults.lr;
  c.seed = 1;
  c.device = bench_device();
  c.progress = false;
  return c;
}

// A step function of the model, built (and warmed up) once per process.
using StepFn = std::function<std::map<std::string, double>()>;
struct Bench {
  std::unique_ptr<train::Trainer> trainer;
  std::unique_ptr<train::GraphStepper> graph;  // step_graph/: captured at its second step
  StepFn step;
};

Bench& bench_for(const std::string& name, bool graph) {
  static std::map<std::pair<std::string, bool>, Bench> benches;
  auto it = benches.find({name, graph});
  if (it != benches.end()) return it->second;
  const train::TrainConfig c = bench_config(name);
  Bench b;
  b.trainer = find_model(name).make(c);
  if (graph) {
    b.graph = std::make_unique<train::GraphStepper>(*b.trainer, c);
    b.step = [g = b.graph.get()] { return g->step(); };
  } else {
    b.step = [t = b.trainer.get()] { return t->step(); };
  }
  for (int i = 0; i < kWarmupSteps + (graph ? 1 : 0); ++i) b.step();
  return benches.emplace(std::make_pair(name, graph), std::move(b)).first->second;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void train_step(benchmark::State& state, const std::string& name, bool graph) {
  Bench* b = nullptr;
  try {
    b = &bench_for(name, graph);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const bool cuda = bench_device().is_cuda();
  if (cuda) reset_cuda_peak();
  const uint64_t allocated_before = allocated_bytes_total();
  for (auto _ : state) {
    auto losses = b->step();  // reads its losses back (.item()): the step has finished on a GPU too
    benchmark::DoNotOptimize(losses);
  }
  const double steps = static_cast<double>(state.iterations());
  state.counters["alloc_MB"] = static_cast<double>(allocated_bytes_total() - allocated_before) / steps / 1e6;
  double params = 0;
  for (const auto& [name, p] : b->trainer->named_parameters()) params += static_cast<double>(p.numel());
  state.counters["params"] = params;
  state.counters["peak_MB"] = cuda ? static_cast<double>(cuda_memory_stats().peak) / 1e6 : peak_rss_mb();
}

int register_all() {
  for (const bool graph : {false, true}) {
    if (graph && !bench_device().is_cuda()) break;
    for (const char* name : kModels)
      benchmark::RegisterBenchmark((std::string(graph ? "step_graph/" : "step/") + name).c_str(), train_step,
                                   std::string(name), graph)
          ->Unit(benchmark::kMillisecond)
          ->MeasureProcessCPUTime()
          ->UseRealTime();
  }
  return 0;
}
const int kRegistered = register_all();

}  // namespace
}  // namespace nabla

BENCHMARK_MAIN();
