#pragma once
// Scoring a trained model's samples with a feature network: what
// `nabla eval` runs, usable from a trainer's scores() too.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/random.h"
#include "models/metrics/classifier.h"
#include "models/train/trainer.h"

namespace nabla::metrics {

struct EvalOptions {
  std::vector<std::string> metrics = {"fid", "is"};
  int64_t n = 10000;      // samples drawn (and reference images, at most the test split's 10000)
  int64_t batch = 500;    // samples drawn and scored at a time
  uint64_t seed = 0;      // the sampling stream and the IS splits
  double regularise = 0;  // FidOptions::regularise
  std::string data;       // MNIST-format folder of the reference test split; empty: Fashion-MNIST
  int64_t jacobian_n = 64;  // latent samples of the Jacobian spectrum (jacobian.h)
};

// Features of n samples of trainer (drawn `batch` at a time from gen).
Features sample_features(train::Trainer& trainer, const FeatureNet& net, int64_t n, Generator& gen,
                         int64_t batch = 500);

// {"fid": ..., "is": ..., "is_std": ...} for the metrics asked for: FID of
// the samples against the first n test images, IS of the samples (10
// splits); "jacobian" adds spectrum_scores (jacobian.h) at jacobian_n latent
// samples, for a trainer that is a LatentModel. An unknown metric name throws
// std::invalid_argument listing the known ones.
std::map<std::string, double> evaluate(train::Trainer& trainer, const FeatureNet& net, const EvalOptions& options);
// The same with the feature network optional: `net` may be null when no
// metric needs it (only "jacobian"); else that throws std::invalid_argument.
std::map<std::string, double> evaluate(train::Trainer& trainer, const FeatureNet* net, const EvalOptions& options);

}  // namespace nabla::metrics
