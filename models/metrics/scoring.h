#pragma once
// The options by which a sampling trainer (every GAN but cyclegan) logs
// metrics::evaluate scores with its sample grids, read once and shared:
//   fid_classifier         a `nabla train classifier` checkpoint (empty: none)
//   fid_samples (1000)     samples scored; FID and PR against as many test images
//   eval_metrics           comma list of evaluate names: fid, is, pr, gs, birthday, mre;
//                          empty: fid,is with fid_classifier, nothing without
//   eval_gs_n (0)          gs: samples and test images; 0: fid_samples
//   eval_gs_repeats (100)  gs: repeats averaged into MRLT (nabla eval: 1000)
//   eval_birthday_batches (10)  birthday: batches per size (nabla eval: 20)
//   eval_mre_images (16)   mre: the first N test images (nabla eval: 100)
//   eval_mre_steps (200)   mre: Adam steps per start
// Every other setting is evaluate's default (EvalOptions), so that
// `nabla eval CKPT --n fid_samples --seed SEED` with the same sizes computes
// the logged numbers.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/metrics/classifier.h"
#include "models/metrics/evaluate.h"
#include "models/train/config.h"
#include "models/train/trainer.h"

namespace nabla::metrics {

struct ScoringOptions {
  std::string classifier;            // option fid_classifier
  int64_t samples = 1000;            // option fid_samples
  std::vector<std::string> metrics;  // option eval_metrics
  int64_t gs_n = 0;                  // option eval_gs_n; 0: samples
  int64_t gs_repeats = 100;          // option eval_gs_repeats
  int64_t birthday_batches = 10;     // option eval_birthday_batches
  int64_t mre_images = 16;           // option eval_mre_images
  int64_t mre_steps = 200;           // option eval_mre_steps
};

// The scoring options' names after `others`: what a trainer reading them
// passes to check_options.
std::vector<std::string> scoring_option_names(std::vector<std::string> others = {});

// What the trainer can be scored on: pictures of Fashion-MNIST (else any
// scoring option throws), and whether it is a LatentModel (else mre throws).
struct Scorable {
  bool fashion_images = true;
  bool latent = true;
};

// defaults overridden by config.options; bad values throw
// std::invalid_argument naming config.model and the option.
ScoringOptions read_scoring_options(const train::TrainConfig& config, const Scorable& scorable,
                                    ScoringOptions defaults = {});

// What a trainer's scores() logs (ScoringOptions at the run's seed and data
// folder); metrics empty when nothing is asked for.
class SampleScorer {
 public:
  SampleScorer(const train::TrainConfig& config, const Scorable& scorable);
  SampleScorer(const train::TrainConfig& config, ScoringOptions options);

  // The evaluate() options of every call: `samples` samples drawn from a
  // generator seeded with config.seed.
  EvalOptions eval_options() const;
  // evaluate(trainer, classifier, eval_options()); the classifier is loaded
  // on the first call; {} when no metric is asked for. Changes no state of
  // the trainer.
  std::map<std::string, double> operator()(train::Trainer& trainer);
  const ScoringOptions& options() const { return options_; }

 private:
  train::TrainConfig config_;
  ScoringOptions options_;
  std::optional<FeatureNet> net_;
};

}  // namespace nabla::metrics
