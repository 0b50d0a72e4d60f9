#include "models/metrics/scoring.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace nabla::metrics {

namespace {

void require(bool ok, const train::TrainConfig& c, const std::string& what) {
  if (!ok) throw std::invalid_argument(c.model + ": option " + what);
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string m; std::getline(in, m, ',');)
    if (!m.empty()) out.push_back(m);
  return out;
}

void check_metrics(const train::TrainConfig& c, const ScoringOptions& o, const Scorable& s) {
  const std::vector<std::string> known = {"fid", "is", "pr", "gs", "birthday", "mre"};
  for (const std::string& m : o.metrics) {
    require(std::count(known.begin(), known.end(), m) > 0, c,
            "eval_metrics: unknown metric \"" + m + "\"; known: fid, is, pr, gs, birthday, mre (jacobian: option jac_n)");
    require(!o.classifier.empty() || (m != "fid" && m != "is" && m != "pr"), c,
            "eval_metrics: " + m + " needs fid_classifier");
    require(s.latent || m != "mre", c,
            "eval_metrics: mre needs a generator of z alone, which " + c.model + " does not have");
  }
}

}  // namespace

std::vector<std::string> scoring_option_names(std::vector<std::string> others) {
  for (const char* n : {"fid_classifier", "fid_samples", "eval_metrics", "eval_gs_n", "eval_gs_repeats",
                        "eval_birthday_batches", "eval_mre_images", "eval_mre_steps"})
    others.push_back(n);
  return others;
}

ScoringOptions read_scoring_options(const train::TrainConfig& c, const Scorable& s, ScoringOptions o) {
  o.classifier = c.option<std::string>("fid_classifier", o.classifier);
  o.samples = c.option<int64_t>("fid_samples", o.samples);
  if (c.options.contains("eval_metrics")) o.metrics = split_commas(c.option<std::string>("eval_metrics", ""));
  o.gs_n = c.option<int64_t>("eval_gs_n", o.gs_n);
  o.gs_repeats = c.option<int64_t>("eval_gs_repeats", o.gs_repeats);
  o.birthday_batches = c.option<int64_t>("eval_birthday_batches", o.birthday_batches);
  o.mre_images = c.option<int64_t>("eval_mre_images", o.mre_images);
  o.mre_steps = c.option<int64_t>("eval_mre_steps", o.mre_steps);
  require(o.samples > 128, c, "fid_samples must exceed the classifier's 128 feature dims");
  require(o.gs_n >= 0, c, "eval_gs_n must be >= 0");
  for (const auto& [name, v] : {std::pair<const char*, int64_t>{"eval_gs_repeats", o.gs_repeats},
                                {"eval_birthday_batches", o.birthday_batches},
                                {"eval_mre_images", o.mre_images},
                                {"eval_mre_steps", o.mre_steps}})
    require(v >= 1, c, std::string(name) + " must be >= 1");
  require(o.classifier.empty() || s.fashion_images, c, "fid_classifier needs data=fashion");
  check_metrics(c, o, s);
  require(o.metrics.empty() || s.fashion_images, c, "eval_metrics needs data=fashion");
  return o;
}

SampleScorer::SampleScorer(const train::TrainConfig& config, const Scorable& scorable)
    : SampleScorer(config, read_scoring_options(config, scorable)) {}

SampleScorer::SampleScorer(const train::TrainConfig& config, ScoringOptions options)
    : config_(config), options_(std::move(options)) {}

EvalOptions SampleScorer::eval_options() const {
  EvalOptions o;
  o.metrics = options_.metrics;
  if (o.metrics.empty() && !options_.classifier.empty()) o.metrics = {"fid", "is"};
  o.n = options_.samples;
  o.seed = config_.seed;
  o.data = config_.data;
  o.model = config_.model;
  o.gs_n = options_.gs_n > 0 ? options_.gs_n : options_.samples;
  o.gs.repeats = options_.gs_repeats;
  o.birthday.batches = options_.birthday_batches;
  o.mre_images = options_.mre_images;
  o.mre.steps = options_.mre_steps;
  return o;
}

std::map<std::string, double> SampleScorer::operator()(train::Trainer& trainer) {
  const EvalOptions o = eval_options();
  if (o.metrics.empty()) return {};
  if (!net_ && !options_.classifier.empty()) net_.emplace(FeatureNet::load(options_.classifier, config_.device));
  return evaluate(trainer, net_ ? &*net_ : nullptr, o);
}

}  // namespace nabla::metrics
