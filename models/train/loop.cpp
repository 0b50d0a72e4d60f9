#include "models/train/loop.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <stdexcept>

#include "core/cpu_memory.h"
#include "models/io/event_writer.h"
#include "models/io/metrics_log.h"
#include "models/io/plot.h"
#include "models/io/png.h"
#include "models/io/progress.h"
#include "models/io/run_dir.h"
#include "models/train/checkpoint.h"
#include "models/train/graph_step.h"
#include "models/train/loss_scale.h"

namespace nabla::train {

namespace {

constexpr uint64_t kSampleStream = 0x3000;
constexpr int64_t kPictureSamples = 64;

void require_positive(const char* option, double value) {
  if (!(value > 0)) throw std::invalid_argument("train: --" + std::string(option) + " must be positive, got " +
                                                std::to_string(value));
}

// The run folder a checkpoint at <run>/checkpoints/step-N.safetensors belongs to.
std::string run_of_checkpoint(const std::string& path) {
  return std::filesystem::absolute(path).parent_path().parent_path().string();
}

// What plots/loss.png shows: every logged name but FID and IS (plots/fid.png)
// and the memory figures (plots/memory.png), whose scales would flatten the
// losses.
std::vector<std::string> loss_plot_names(const io::Metrics& metrics) {
  std::set<std::string> names;
  for (const io::MetricsRecord& r : metrics.records)
    for (const auto& [name, v] : r.values)
      if (name != "fid" && name != "is" && name != "is_std" && !name.starts_with("mem_")) names.insert(name);
  return {names.begin(), names.end()};
}

// The resident set size in MiB from /proc/self/status (VmRSS), or -1 where
// there is no /proc.
double rss_mib() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      double kib = -1;
      status >> kib;
      return kib / 1024;
    }
    status.ignore(1 << 20, '\n');
  }
  return -1;
}

// --log-memory: what the process and its tensors hold, for a soak run.
void add_memory(std::map<std::string, double>& logged) {
  const CpuMemoryStats m = cpu_memory_stats();
  logged["mem_rss_mib"] = rss_mib();
  logged["mem_tensor_mib"] = static_cast<double>(m.live_bytes) / (1 << 20);
  logged["mem_tensors"] = static_cast<double>(m.live_storages);
}

}  // namespace

TrainConfig resolve(TrainConfig c, const TrainDefaults& d) {
  if (c.batch == 0) c.batch = d.batch;
  if (c.lr == 0) c.lr = d.lr;
  require_positive("batch", static_cast<double>(c.batch));
  require_positive("lr", c.lr);
  if (c.steps < 0) require_positive("steps", static_cast<double>(c.steps));
  if (c.epochs < 0) require_positive("epochs", static_cast<double>(c.epochs));
  if (c.steps == 0 && c.epochs == 0) c.steps = d.steps;
  require_positive("log-every", static_cast<double>(c.log_every));
  if (c.precision != "f32" && c.precision != "bf16")
    throw std::invalid_argument("--precision: expected f32 or bf16, got \"" + c.precision + "\"");
  LossScaler::parse(c.loss_scale);  // throws on a bad spec
  if (c.precision == "f32" && c.loss_scale != "none")
    throw std::invalid_argument("--loss-scale " + c.loss_scale +
                                " needs --precision bf16 (f32 training is not scaled)");
  if (c.sample_every < 0) require_positive("sample-every", static_cast<double>(c.sample_every));
  if (c.checkpoint_every < 0) require_positive("checkpoint-every", static_cast<double>(c.checkpoint_every));
  return c;
}

Generator sample_generator(uint64_t seed) { return Generator(seed ^ kSampleStream); }

RunResult run_training(const TrainConfig& requested, const ModelLookup& lookup, std::ostream& out) {
  std::optional<Checkpoint> resumed;
  TrainConfig config = requested;
  if (!requested.resume.empty()) {
    resumed = load_checkpoint(requested.resume);
    config = resumed->config;
    if (!requested.model.empty() && requested.model != config.model)
      throw std::invalid_argument("train: " + requested.resume + " is a checkpoint of " + config.model + ", not " +
                                  requested.model);
    if (requested.steps > 0) config.steps = requested.steps;
    config.out = requested.out.empty() ? run_of_checkpoint(requested.resume) : requested.out;
    config.progress = requested.progress;
    config.log_memory = requested.log_memory;
    config.cuda_graph = requested.cuda_graph;
    if ((requested.precision != "f32" && requested.precision != config.precision) ||
        (requested.loss_scale != "none" && requested.loss_scale != config.loss_scale))
      throw std::invalid_argument("train: a resumed run keeps its precision (" + config.precision + ", loss scale " +
                                  config.loss_scale + "); --precision/--loss-scale cannot change it");
    if (!requested.options.empty())
      throw std::invalid_argument("train: --set cannot change a resumed run's options (they come from the checkpoint)");
  }
  const ModelSpec spec = lookup(config.model);
  config = resolve(config, spec.defaults);
  std::unique_ptr<Trainer> trainer = spec.make(config);
  if (config.precision != "f32" && !trainer->mixed_precision())
    throw std::invalid_argument("train: " + config.model + " cannot run with --precision " + config.precision +
                                ": its trainer has no mixed-precision path (the models with one: dcgan, mlpgan, "
                                "gan, lsgan, wgan, wgan-gp, sngan, lsgan-qi, glsgan)");
  std::optional<GraphStepper> graph;  // --cuda-graph: refused here, before the run folder, when it cannot be
  if (config.cuda_graph) graph.emplace(*trainer, config);
  int64_t step = 0;
  if (resumed) {
    restore(*trainer, *resumed);
    step = resumed->step;
  }
  // Loads the data now, so that a missing dataset stops the run before it
  // makes a run folder.
  const int64_t batches_per_epoch = trainer->batches_per_epoch();
  if (config.steps == 0) config.steps = config.epochs * batches_per_epoch;
  const int64_t sample_every = config.sample_every > 0 ? config.sample_every : std::max<int64_t>(1, config.steps / 10);
  const int64_t checkpoint_every = config.checkpoint_every > 0 ? config.checkpoint_every : sample_every;
  if (step >= config.steps)
    throw std::invalid_argument("train: the checkpoint is at step " + std::to_string(step) +
                                ", nothing to do for --steps " + std::to_string(config.steps));

  io::RunDir run(config.model, config.out);
  run.write_config(config.to_json());
  // A resumed run repeats the steps after its checkpoint: their old lines go.
  if (resumed && std::filesystem::exists(run.metrics_path())) io::truncate_metrics(run.metrics_path(), step);
  io::MetricsLog metrics(run.metrics_path());
  io::EventWriter events(run.path());
  out << (resumed ? "resuming " : "training ") << config.model << " at step " << step << " of " << config.steps
      << " in " << run.path() << "\n";

  RunResult result;
  result.run_dir = run.path();
  std::optional<io::ProgressBar> progress;
  Tensor last_picture;
  if (config.progress) progress.emplace(config.steps, out);
  while (step < config.steps) {
    result.losses = graph ? graph->step() : trainer->step();
    ++step;
    const bool sample_now = step % sample_every == 0 || step == config.steps;
    std::map<std::string, double> logged = result.losses;
    if (sample_now)
      for (const auto& [name, v] : trainer->scores()) logged[name] = result.scores[name] = v;
    if (step % config.log_every == 0 || step == config.steps || logged.size() > result.losses.size()) {
      if (config.log_memory) add_memory(logged);
      metrics.log(step, logged);
      for (const auto& [name, v] : logged) events.add_scalar(name, v, step);
    }
    if (progress) progress->update(step, result.losses);
    if (sample_now) {
      Generator fixed = sample_generator(config.seed);
      last_picture = trainer->picture(kPictureSamples, fixed);
      result.samples = run.sample_path("samples", step);
      io::write_png(result.samples, last_picture);
      events.add_image("samples", last_picture, step);
      events.flush();
    }
    if (step % checkpoint_every == 0 || step == config.steps) {
      result.checkpoint = run.checkpoint_path(step);
      save_checkpoint(result.checkpoint, Checkpoint{step, config, trainer->state(), result.checkpoint});
    }
  }
  if (progress) progress->finish();
  result.steps = step;
  result.loss_plot = run.plots_dir() + "/loss.png";
  const io::Metrics logged = io::read_metrics(run.metrics_path());
  io::plot_lines(result.loss_plot, io::series_from_metrics(logged, loss_plot_names(logged)), config.model + " losses");
  if (config.log_memory)
    io::plot_lines(run.plots_dir() + "/memory.png", io::series_from_metrics(logged, {"mem_rss_mib", "mem_tensor_mib"}),
                   config.model + " memory (MiB)");
  io::write_png(run.file("samples.png"), last_picture);
  out << "run folder:  " << run.path() << "\nsamples:     " << result.samples << "\ncheckpoint:  "
      << result.checkpoint << "\nloss plot:   " << result.loss_plot << "\n";
  return result;
}

}  // namespace nabla::train
