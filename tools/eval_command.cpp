// nabla eval <checkpoint> [--classifier <ckpt>] [--metrics fid,is,jacobian] [--n] [--seed] [--batch]
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "models/metrics/evaluate.h"
#include "models/registry.h"
#include "models/train/checkpoint.h"
#include "tools/commands.h"

namespace nabla::tools {

namespace {

struct EvalArgs {
  std::string checkpoint, classifier, metrics = "fid,is", data;
  int64_t n = 10000, batch = 500, jacobian_n = 64;
  double regularise = 0;
  uint64_t seed = 0;
};

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

void run_eval(const EvalArgs& a) {
  metrics::EvalOptions o;
  o.metrics = split_commas(a.metrics);
  o.n = a.n;
  o.batch = a.batch;
  o.seed = a.seed;
  o.data = a.data;
  o.regularise = a.regularise;
  o.jacobian_n = a.jacobian_n;
  std::optional<metrics::FeatureNet> net;
  if (!a.classifier.empty()) net.emplace(metrics::FeatureNet::load(a.classifier));
  train::Checkpoint c = train::load_checkpoint(a.checkpoint);
  std::unique_ptr<train::Trainer> trainer = find_model(c.config.model).make(c.config);
  trainer->load(c.state);
  const auto scores = metrics::evaluate(*trainer, net ? &*net : nullptr, o);
  const bool sampled = std::any_of(o.metrics.begin(), o.metrics.end(), [](const std::string& m) { return m != "jacobian"; });
  std::cout << c.config.model << " at step " << c.step << ", "
            << (sampled ? std::to_string(a.n) + " samples:" : std::to_string(a.jacobian_n) + " latent samples:");
  for (const auto& [name, v] : scores) std::cout << " " << name << " " << std::setprecision(5) << v;
  std::cout << "\n";
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "score a checkpoint's samples (FID, Inception Score) with nabla's classifier");
  cmd->add_option("checkpoint", args->checkpoint, "a .safetensors checkpoint written by `nabla train`")->required();
  cmd->add_option("--classifier", args->classifier,
                  "a `nabla train classifier` checkpoint (the feature network; needed for fid and is)");
  cmd->add_option("--metrics", args->metrics, "comma-separated: fid, is, jacobian")->capture_default_str();
  cmd->add_option("--jacobian-n", args->jacobian_n, "latent samples of the Jacobian spectrum")->capture_default_str();
  cmd->add_option("--n", args->n, "samples drawn (FID compares them with the first n test images)")
      ->capture_default_str();
  cmd->add_option("--batch", args->batch, "samples drawn and scored at a time")->capture_default_str();
  cmd->add_option("--seed", args->seed, "seed of the samples and the IS splits")->capture_default_str();
  cmd->add_option("--regularise", args->regularise, "added to the covariances' diagonals (needed when n <= 128)")
      ->capture_default_str();
  cmd->add_option("--data", args->data, "MNIST-format folder of the reference test split (default: Fashion-MNIST)");
  cmd->callback([args] { run_eval(*args); });
}

}  // namespace nabla::tools
