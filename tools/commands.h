#pragma once
// The subcommands of `nabla`: each adds itself to the app with a callback
// that runs it.
#include <string>

#include <CLI/CLI.hpp>

#include "core/device.h"

namespace nabla::tools {

void add_train_command(CLI::App& app);
void add_sample_command(CLI::App& app);
void add_models_command(CLI::App& app);
void add_graph_command(CLI::App& app);
void add_eval_command(CLI::App& app);

// --device: "cpu", "cuda" or "cuda:N"; empty picks the default. Throws when
// the device cannot run nabla's ops.
Device choose_device(const std::string& requested);

}  // namespace nabla::tools
