// nabla sample <checkpoint> [--n] [--seed] [--out]
#include <iostream>

#include "models/io/png.h"
#include "models/registry.h"
#include "models/train/checkpoint.h"
#include "tools/commands.h"

namespace nabla::tools {

namespace {

struct SampleArgs {
  std::string checkpoint;
  int64_t n = 64;
  uint64_t seed = 0;
  std::string out = "samples.png";
};

void run_sample(const SampleArgs& a) {
  if (a.n <= 0) throw std::invalid_argument("sample: --n must be positive, got " + std::to_string(a.n));
  train::Checkpoint c = train::load_checkpoint(a.checkpoint);
  const ModelEntry& entry = find_model(c.config.model);
  std::unique_ptr<train::Trainer> trainer = entry.make(c.config);
  train::restore(*trainer, c);
  Generator gen(a.seed);
  io::write_png(a.out, trainer->picture(a.n, gen));
  std::cout << a.n << " samples of " << c.config.model << " at step " << c.step << " -> " << a.out << "\n";
}

}  // namespace

void add_sample_command(CLI::App& app) {
  auto args = std::make_shared<SampleArgs>();
  CLI::App* cmd = app.add_subcommand("sample", "draw samples from a checkpoint into a PNG grid");
  cmd->add_option("checkpoint", args->checkpoint, "a .safetensors checkpoint written by `nabla train`")->required();
  cmd->add_option("--n", args->n, "number of samples")->capture_default_str();
  cmd->add_option("--seed", args->seed, "seed of the noise")->capture_default_str();
  cmd->add_option("--out", args->out, "PNG file to write")->capture_default_str();
  cmd->callback([args] { run_sample(*args); });
}

}  // namespace nabla::tools
