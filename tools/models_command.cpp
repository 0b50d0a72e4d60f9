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

}  // namespace nabla::tools
