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
};

// Features of n samples of trainer (drawn `batch` at a time from gen).
Features sample_features(train::Trainer& trainer, const FeatureNet& net, int64_t n, Generator& gen,
                         int64_t batch = 500);

// {"fid": ..., "is": ..., "is_std": ...} for the metrics asked for: FID of
// the samples against the first n test images, IS of the samples (10
// splits). An unknown metric name throws std::invalid_argument listing the known ones.
std::map<std::string, double> evaluate(train::Trainer& trainer, const FeatureNet& net, const EvalOptions& options);

}  // namespace nabla::metrics
