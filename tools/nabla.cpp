// The `nabla` command: train, sample, eval, models, graph. Each subcommand parses
// its options here and calls the models layer; errors print one line and
// exit with status 1 (2 for bad usage).
#include <csignal>
#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "tools/commands.h"

int main(int argc, char** argv) {
  // Past a file size limit (ulimit -f) a write then fails with EFBIG and a
  // message, as on a full disk, instead of the process being killed.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"nabla: a from-scratch deep learning engine; trains and samples generative models"};
  app.require_subcommand(1);
  nabla::tools::add_train_command(app);
  nabla::tools::add_sample_command(app);
  nabla::tools::add_models_command(app);
  nabla::tools::add_graph_command(app);
  nabla::tools::add_eval_command(app);
  // CLI11 would answer "A subcommand is required" to a misspelt one.
  const auto known = app.get_subcommands([&](const CLI::App* c) { return argc > 1 && c->check_name(argv[1]); });
  if (argc > 1 && argv[1][0] != '-' && known.empty()) {
    std::cerr << "nabla: unknown command \"" << argv[1] << "\"; commands: train, sample, eval, models, graph\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);  // prints the message (or the help, status 0)
    return status == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "nabla: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
