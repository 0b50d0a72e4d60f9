// nabla train <model> [options]
#include <iostream>
#include <unistd.h>

#include "models/registry.h"
#include "tools/commands.h"

namespace nabla::tools {

namespace {

struct TrainArgs {
  train::TrainConfig config;
  std::string device;
  std::vector<std::string> settings;
};

}  // namespace

Device choose_device(const std::string& requested) {
  const int gpus = cuda_device_count();
  if (requested.empty()) return gpus > 0 ? Device::cuda() : Device::cpu();
  Device d = Device::parse(requested);
  if (d.is_cuda() && d.index >= gpus)
    throw std::invalid_argument("--device " + requested + ": no such CUDA device (this machine has " +
                                std::to_string(gpus) + ")");
  return d;
}

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  train::TrainConfig& c = args->config;
  CLI::App* cmd = app.add_subcommand("train", "train a model (see `nabla models`) and write a run folder");
  cmd->add_option("model", c.model, std::string("model name (default: ") + kDefaultModel + ")");
  cmd->add_option("--data", c.data, "MNIST-format folder (default: Debian's Fashion-MNIST)");
  cmd->add_option("--steps", c.steps, "optimisation steps (default: the model's)");
  cmd->add_option("--epochs", c.epochs, "passes over the data, when --steps is not given");
  cmd->add_option("--batch", c.batch, "batch size (default: the model's)");
  cmd->add_option("--lr", c.lr, "learning rate (default: the model's)");
  cmd->add_option("--device", args->device, "cpu or cuda[:N] (default: cuda when present, else cpu)");
  cmd->add_option("--seed", c.seed, "seed of every random stream of the run")->capture_default_str();
  cmd->add_option("--out", c.out, "run folder (default: runs/<model>-<time>)");
  cmd->add_option("--resume", c.resume, "checkpoint to continue from; --steps is then the new total");
  cmd->add_option("--log-every", c.log_every, "steps between metrics lines")->capture_default_str();
  cmd->add_option("--sample-every", c.sample_every, "steps between sample grids (default: 10 per run)");
  cmd->add_option("--set", args->settings, "model option name=value (repeatable; see the README's model table)");
  cmd->add_option("--checkpoint-every", c.checkpoint_every, "steps between checkpoints (default: with samples)");
  cmd->add_flag("--log-memory", c.log_memory, "add the RSS and live tensor memory to every metrics line");
  cmd->add_option("--precision", c.precision,
                  "f32 or bf16: mixed precision, bf16 products and convolutions, f32 master weights and losses "
                  "(GAN models)")
      ->capture_default_str();
  cmd->add_option("--loss-scale", c.loss_scale, "with --precision bf16: none, dynamic or a constant")
      ->capture_default_str();
  cmd->add_flag("--cuda-graph", c.cuda_graph, "capture the training step once as a CUDA graph and replay it (CUDA only)");
  cmd->callback([args] {
    train::TrainConfig config = args->config;
    config.device = choose_device(args->device);
    for (const std::string& s : args->settings) train::set_option(config, s);
    config.progress = true;
    if (config.model.empty() && config.resume.empty()) config.model = kDefaultModel;
    train_model(config, std::cout);
  });
}

}  // namespace nabla::tools
