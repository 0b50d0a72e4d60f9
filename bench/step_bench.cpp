// Milliseconds per full training step (forward, backward, optimizer update:
// the Trainer's step() as `nabla train` runs it) of the models that issue 8
// compares with PyTorch, at their registry default batch sizes, on
// Fashion-MNIST (dataset-fashion-mnist; the loader's batch copy is part of
// the step, a few microseconds).
//
//   OMP_NUM_THREADS=2 ./build/bench/step_bench --benchmark_filter='step/dcgan$'
//   NABLA_BENCH_DEVICE=cuda ./build/bench/step_bench      (a CUDA build)
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
#include <map>
#include <memory>
#include <string>

#include "autograd/nabla.h"
#include "core/cuda_memory.h"
#include "core/storage.h"
#include "models/registry.h"

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
train::Trainer& trainer_for(const std::string& name) {
  static std::map<std::string, std::unique_ptr<train::Trainer>> trainers;
  auto it = trainers.find(name);
  if (it != trainers.end()) return *it->second;
  const ModelEntry& m = find_model(name);
  train::TrainConfig c;
  c.model = name;
  c.steps = 100000;
  c.batch = m.defaults.batch;
  c.lr = m.defaults.lr;
  c.seed = 1;
  c.device = bench_device();
  c.progress = false;
  std::unique_ptr<train::Trainer> t = m.make(c);
  for (int i = 0; i < kWarmupSteps; ++i) t->step();
  return *trainers.emplace(name, std::move(t)).first->second;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

void train_step(benchmark::State& state, const std::string& name) {
  train::Trainer* t = nullptr;
  try {
    t = &trainer_for(name);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const bool cuda = bench_device().is_cuda();
  if (cuda) reset_cuda_peak();
  const uint64_t allocated_before = allocated_bytes_total();
  for (auto _ : state) {
    auto losses = t->step();  // reads its losses back (.item()): the step has finished on a GPU too
    benchmark::DoNotOptimize(losses);
  }
  const double steps = static_cast<double>(state.iterations());
  state.counters["alloc_MB"] = static_cast<double>(allocated_bytes_total() - allocated_before) / steps / 1e6;
  double params = 0;
  for (const auto& [name, p] : t->named_parameters()) params += static_cast<double>(p.numel());
  state.counters["params"] = params;
  state.counters["peak_MB"] = cuda ? static_cast<double>(cuda_memory_stats().peak) / 1e6 : peak_rss_mb();
}

int register_all() {
  for (const char* name : kModels)
    benchmark::RegisterBenchmark((std::string("step/") + name).c_str(), train_step, std::string(name))
        ->Unit(benchmark::kMillisecond)
        ->MeasureProcessCPUTime()
        ->UseRealTime();
  return 0;
}
const int kRegistered = register_all();

}  // namespace
}  // namespace nabla

BENCHMARK_MAIN();
