#pragma once
// Scoring a trained model: what `nabla eval` runs, usable from a trainer's
// scores() too. FID and IS need a feature network (the classifier); the
// Geometry Score, the birthday test and MRE work in pixel space and need none
// (MRE and the Jacobian spectrum need a GAN's generator). The likelihood
// metrics (bpd, nll, elbo, rate, distortion, iwae; likelihood.h) need a
// density model: the trainer is asked through metrics::LikelihoodModel.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/random.h"
#include "models/metrics/birthday.h"
#include "models/metrics/classifier.h"
#include "models/metrics/geometry_score.h"
#include "models/metrics/jacobian.h"
#include "models/metrics/likelihood.h"
#include "models/metrics/precision_recall.h"
#include "models/metrics/reconstruction.h"
#include "models/train/trainer.h"

namespace nabla::metrics {

struct EvalOptions {
  std::vector<std::string> metrics = {"fid", "is"};
  int64_t n = 10000;      // samples drawn (and reference images, at most the test split's 10000); likelihoods: test images
  int64_t batch = 500;    // samples drawn and scored at a time
  uint64_t seed = 0;      // the sampling stream, the IS splits, GS landmarks, MRE starts
  double regularise = 0;  // FidOptions::regularise
  std::string data;       // MNIST-format folder of the reference test split; empty: Fashion-MNIST
  int64_t jacobian_n = 64;  // latent samples of the Jacobian spectrum (jacobian.h)
  std::string model;        // the model's name in error messages; empty: "this model"
  // Likelihood metrics on the first n test images (likelihood.h); "iwae" on
  // the first iwae_n with iwae_k importance samples each.
  int64_t iwae_k = 1000, iwae_n = 500;

  // "gs": MRLTs of gs_n samples and of the first gs_n test images.
  int64_t gs_n = 5000;
  GeometryScoreOptions gs;   // gs.seed is replaced by seed
  std::string gs_plot;       // non-empty: the MRLT bar chart PNG
  // "birthday": threshold from the first n test images unless given.
  BirthdayOptions birthday;
  bool birthday_features = false;  // distances between classifier features, not pixels
  std::string birthday_pairs;      // non-empty: the closest pairs as an image grid PNG
  // "mre": over the first mre_images test images.
  int64_t mre_images = 100;
  MreOptions mre;  // mre.seed is replaced by seed
  // "pr": the classifier features of the n samples against those of the
  // first n test images (the same sets as fid).
  PrecisionRecallOptions pr;
};

// Features of n samples of trainer (drawn `batch` at a time from gen).
Features sample_features(train::Trainer& trainer, const FeatureNet& net, int64_t n, Generator& gen,
                         int64_t batch = 500);

// The scores asked for, by name: "fid"; "is", "is_std" (10 splits); "gs";
// the likelihood metrics under their own names, from a LikelihoodModel;
// "precision", "recall" (pr); "birthday_support", "birthday_threshold", "birthday_rate_s<S>" per batch
// size; "mre"; "jacobian" adds spectrum_scores (jacobian.h) at jacobian_n
// latent samples. net may be null when none of fid, is, pr
// and birthday_features is asked for; mre and jacobian need a trainer that is a
// LatentModel (a GAN). An unknown metric name, a missing net or generator,
// or a likelihood metric the model does not report throws
// std::invalid_argument naming options.model.
std::map<std::string, double> evaluate(train::Trainer& trainer, const FeatureNet* net, const EvalOptions& options);
std::map<std::string, double> evaluate(train::Trainer& trainer, const FeatureNet& net, const EvalOptions& options);

}  // namespace nabla::metrics
