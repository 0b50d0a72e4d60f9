// nabla models: one line per model.
#include <cstdio>

#include "models/registry.h"
#include "tools/commands.h"

namespace nabla::tools {

void add_models_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("models", "list the models `nabla train` knows");
  cmd->callback([] {
    for (const ModelEntry& m : model_registry())
      std::printf("%-10s %s%s\n", m.name.c_str(), m.summary.c_str(), m.name == kDefaultModel ? " (default)" : "");
  });
}

Device choose_device(const std::string& requested) {
  const int gpus = cuda_device_count();
  if (requested.empty()) return gpus > 0 ? Device::cuda() : Device::cpu();
  Device d = Device::parse(requested);
  if (d.is_cuda() && d.index >= gpus)
    throw std::invalid_argument("--device " + requested + ": no such CUDA device (this machine has " +
                                std::to_string(gpus) + ")");
  return d;
}

}  // namespace nabla::tools
