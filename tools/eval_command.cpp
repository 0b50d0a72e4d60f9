// nabla eval <checkpoint> [--classifier <ckpt>] [--metrics fid,is,pr,gs,birthday,mre,jacobian,bpd,nll,elbo,rate,distortion,iwae] [--device] [--n] [--seed] ...
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "core/copy.h"
#include "models/metrics/evaluate.h"
#include "models/registry.h"
#include "models/train/checkpoint.h"
#include "tools/commands.h"

namespace nabla::tools {

namespace {

struct EvalArgs {
  std::string checkpoint, classifier, metrics = "fid,is", data, birthday_sizes = "100,200,400,800", device;
  metrics::EvalOptions o;
};

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// "10000 samples", "64 latent samples" (jacobian alone) or "10000 test
// images" (likelihoods alone).
std::string what_was_scored(const metrics::EvalOptions& o) {
  const std::vector<std::string>& likelihood = metrics::likelihood_metric_names();
  auto is = [&](const std::string& m, const std::vector<std::string>& set) { return std::count(set.begin(), set.end(), m) > 0; };
  const bool sampled = std::any_of(o.metrics.begin(), o.metrics.end(),
                                   [&](const std::string& m) { return m != "jacobian" && !is(m, likelihood); });
  if (sampled) return std::to_string(o.n) + " samples";
  if (is("jacobian", o.metrics)) return std::to_string(o.jacobian_n) + " latent samples";
  return std::to_string(o.n) + " test images";
}

void run_eval(EvalArgs& a) {
  metrics::EvalOptions& o = a.o;
  o.metrics = split_commas(a.metrics);
  o.data = a.data;
  o.birthday.batch_sizes.clear();
  for (const std::string& s : split_commas(a.birthday_sizes)) o.birthday.batch_sizes.push_back(std::stoll(s));
  // --device moves the model and the classifier there; without it the model
  // runs where it was trained and the classifier on the CPU.
  const std::optional<Device> device = a.device.empty() ? std::nullopt : std::optional(choose_device(a.device));
  std::optional<metrics::FeatureNet> net;
  if (!a.classifier.empty()) net = metrics::FeatureNet::load(a.classifier, device.value_or(Device::cpu()));
  train::Checkpoint c = train::load_checkpoint(a.checkpoint);
  if (device) c.config.device = *device;
  // The checkpoint's tensors are read onto the CPU, and a module loads a state
  // only from its own device (copy_ in Module::load_state_dict): move them to
  // where the model runs first.
  for (auto& [name, t] : c.state.tensors) t = prim::to(t, c.config.device);
  if (!a.data.empty()) c.config.data = a.data;  // the trainer's own test split too (likelihoods)
  o.model = c.config.model;
  std::unique_ptr<train::Trainer> trainer = find_model(c.config.model).make(c.config);
  train::restore(*trainer, c);
  const auto scores = metrics::evaluate(*trainer, net ? &*net : nullptr, o);
  std::cout << c.config.model << " at step " << c.step << ", " << what_was_scored(o) << ":";
  for (const auto& [name, v] : scores) std::cout << " " << name << " " << std::setprecision(5) << v;
  std::cout << "\n";
}

void add_gs_options(CLI::App* cmd, metrics::EvalOptions& o) {
  cmd->add_option("--gs-n", o.gs_n, "gs: samples and test images compared")->capture_default_str();
  cmd->add_option("--gs-landmarks", o.gs.landmarks, "gs: landmarks L0 per repeat")->capture_default_str();
  cmd->add_option("--gs-gamma", o.gs.gamma, "gs: alpha_max = gamma * max distance; 0: 1/128 * gs-n/5000")
      ->capture_default_str();
  cmd->add_option("--gs-imax", o.gs.i_max, "gs: RLT(0 .. imax-1)")->capture_default_str();
  cmd->add_option("--gs-repeats", o.gs.repeats, "gs: repeats n averaged into MRLT")->capture_default_str();
  cmd->add_option("--gs-plot", o.gs_plot, "gs: write the MRLT bar chart PNG here");
}

void add_birthday_options(CLI::App* cmd, EvalArgs& a) {
  metrics::EvalOptions& o = a.o;
  cmd->add_option("--birthday-sizes", a.birthday_sizes, "birthday: comma-separated batch sizes s")
      ->capture_default_str();
  cmd->add_option("--birthday-batches", o.birthday.batches, "birthday: batches per s")->capture_default_str();
  cmd->add_option("--birthday-threshold", o.birthday.threshold,
                  "birthday: duplicate distance; 0: the quantile of the test images' nearest-neighbour distances")
      ->capture_default_str();
  cmd->add_option("--birthday-quantile", o.birthday.quantile, "birthday: that quantile")->capture_default_str();
  cmd->add_option("--birthday-pairs", o.birthday_pairs, "birthday: write the closest pairs as an image grid PNG here");
  cmd->add_flag("--birthday-features", o.birthday_features, "birthday: compare classifier features, not pixels");
}

void add_mre_options(CLI::App* cmd, metrics::EvalOptions& o) {
  cmd->add_option("--mre-images", o.mre_images, "mre: the first N test images")->capture_default_str();
  cmd->add_option("--mre-starts", o.mre.starts, "mre: random starts per image")->capture_default_str();
  cmd->add_option("--mre-steps", o.mre.steps, "mre: Adam steps")->capture_default_str();
  cmd->add_option("--mre-lr", o.mre.lr, "mre: Adam's step size")->capture_default_str();
}

void add_likelihood_options(CLI::App* cmd, metrics::EvalOptions& o) {
  cmd->add_option("--iwae-k", o.iwae_k, "iwae: importance samples per image")->capture_default_str();
  cmd->add_option("--iwae-n", o.iwae_n, "iwae: the first N test images")->capture_default_str();
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  metrics::EvalOptions& o = args->o;
  CLI::App* cmd = app.add_subcommand(
      "eval", "score a checkpoint: its samples (FID, Inception Score, precision/recall, Geometry Score, birthday test, MRE, Jacobian spectrum) or its test likelihood (bits/dim, ELBO, rate, distortion, IWAE)");
  cmd->add_option("checkpoint", args->checkpoint, "a .safetensors checkpoint written by `nabla train`")->required();
  cmd->add_option("--classifier", args->classifier,
                  "a `nabla train classifier` checkpoint (the feature network of fid, is, pr, --birthday-features)");
  cmd->add_option("--metrics", args->metrics,
                  "comma-separated: fid, is, pr, gs, birthday, mre, jacobian; bpd, nll, elbo, rate, distortion, iwae")
      ->capture_default_str();
  cmd->add_option("--pr-k", o.pr.k, "pr: a point's radius is the distance to its k-th nearest neighbour")
      ->capture_default_str();
  cmd->add_option("--jacobian-n", o.jacobian_n, "jacobian: latent samples of the spectrum")->capture_default_str();
  cmd->add_option("--n", o.n, "samples drawn (FID compares them with the first n test images); likelihoods: the first n test images")->capture_default_str();
  cmd->add_option("--batch", o.batch, "samples drawn and scored at a time")->capture_default_str();
  cmd->add_option("--seed", o.seed, "seed of the samples, IS splits, GS landmarks and MRE starts")
      ->capture_default_str();
  cmd->add_option("--regularise", o.regularise, "added to the covariances' diagonals (needed when n <= 128)")
      ->capture_default_str();
  cmd->add_option("--data", args->data, "MNIST-format folder of the reference test split (default: Fashion-MNIST)");
  cmd->add_option("--device", args->device,
                  "cpu or cuda[:N]: where the model and the classifier run (default: the model where it was trained, "
                  "the classifier on the cpu)");
  add_gs_options(cmd, o);
  add_birthday_options(cmd, *args);
  add_mre_options(cmd, o);
  add_likelihood_options(cmd, o);
  cmd->callback([args] { run_eval(*args); });
}

}  // namespace nabla::tools
