// nabla graph [model] [--loss] [--out] [--trace] [--anomaly]: the autograd
// graph of one training step as Graphviz DOT, optionally with the backward
// pass traced (time and bytes per node) or run in anomaly mode.
#include <fstream>
#include <iostream>

#include "autograd/nabla.h"
#include "core/atomic_file.h"
#include "models/registry.h"
#include "tools/commands.h"

namespace nabla::tools {

namespace {

struct GraphArgs {
  std::string model = kDefaultModel;
  std::string loss;
  std::string out;
  int64_t batch = 0;
  bool trace = false;
  bool anomaly = false;
};

void run_graph(const GraphArgs& a) {
  const ModelEntry& entry = find_model(a.model);
  train::TrainConfig config;
  config.model = a.model;
  config.batch = a.batch;
  config = train::resolve(config, entry.defaults);
  std::unique_ptr<train::Trainer> trainer = entry.make(config);
  AnomalyGuard anomaly(a.anomaly);
  std::map<std::string, Tensor> losses = trainer->losses();
  std::vector<Tensor> roots;
  for (const auto& [name, loss] : losses)
    if (a.loss.empty() || a.loss == name) roots.push_back(loss);
  if (roots.empty()) {
    std::string names;
    for (const auto& [name, loss] : losses) names += " " + name;
    throw std::invalid_argument("graph: " + a.model + " has no loss \"" + a.loss + "\"; its losses:" + names);
  }
  DotOptions dot;
  for (const auto& [name, p] : trainer->named_parameters()) dot.names[p.impl_ptr().get()] = name;
  const std::string text = graph_dot(roots, dot);
  if (a.out.empty()) std::cout << text;
  else write_file_atomic(a.out, text);
  if (!a.trace && !a.anomaly) return;
  std::ostream& report = a.out.empty() ? std::cerr : std::cout;
  for (size_t i = 0; i < roots.size(); ++i) {
    TraceGuard trace;
    backward(roots[i], {}, {.retain_graph = true});
    if (a.trace) report << format_trace(last_backward_trace());
  }
  if (a.anomaly) report << "anomaly mode: no NaN or Inf in forward or backward\n";
}

}  // namespace

void add_graph_command(CLI::App& app) {
  auto args = std::make_shared<GraphArgs>();
  CLI::App* cmd = app.add_subcommand("graph", "write the autograd graph of one training step as Graphviz DOT");
  cmd->add_option("model", args->model, "model name")->capture_default_str();
  cmd->add_option("--loss", args->loss, "draw only this loss (default: all of the step's losses)");
  cmd->add_option("--out", args->out, "DOT file to write (default: standard output)");
  cmd->add_option("--batch", args->batch, "batch size (default: the model's)");
  cmd->add_flag("--trace", args->trace, "run backward and print time and bytes allocated per node");
  cmd->add_flag("--anomaly", args->anomaly, "run forward and backward in anomaly mode (names the op making NaN/Inf)");
  cmd->callback([args] { run_graph(*args); });
}

}  // namespace nabla::tools
