#pragma once
// Geometry Score (Khrulkov and Oseledets 2018, "Geometry Score: A Method For
// Comparing Generative Adversarial Networks", sec. 4, Algorithm 1):
//
// For a set X of N samples (flattened to vectors), repeat n times: pick L0
// landmarks at random from X, build the witness complex (witness.h) with
// every sample a witness, cut at alpha_max = gamma * (the largest
// witness-to-landmark distance), and compute its H1 persistence
// (persistence.h). With beta_1(a) the number of H1 classes alive at a, the
// relative living times are
//
//   RLT(i) = |{a in [0, alpha_max] : beta_1(a) = i}| / alpha_max,  i = 0 .. i_max - 1;
//
// their mean over the n repeats is MRLT, a distribution over the number of
// one-dimensional holes. The score of two sets is
//
//   GS(X1, X2) = sum_i (MRLT1(i) - MRLT2(i))^2   (between 0 and 2).
//
// Defaults as in the paper: L0 = 64, gamma = 1/128 * N/5000, i_max = 100,
// n = 1000 (the reference code's README uses L0 = 32, gamma = 1/8, n = 100).
#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "models/metrics/persistence.h"

namespace nabla::metrics {

struct GeometryScoreOptions {
  int64_t landmarks = 64;  // L0
  double gamma = 0;        // <= 0: 1/128 * N/5000
  int64_t i_max = 100;     // RLT(0 .. i_max-1)
  int64_t repeats = 1000;  // n
  uint64_t seed = 0;       // the landmark draws
};

// RLT(0 .. i_max-1) of H1 intervals cut to [0, alpha_max] (an essential
// class lives to alpha_max); time with i_max or more classes alive is not
// counted.
std::vector<double> relative_living_times(const std::vector<Interval>& intervals, double alpha_max, int64_t i_max);

// The H1 intervals and alpha_max of one repeat: landmarks are the rows
// `landmark_rows` of samples [N, ...] (any float dtype, any device).
struct WitnessPersistence {
  std::vector<Interval> intervals;
  double alpha_max = 0;
};
WitnessPersistence witness_persistence(const Tensor& samples, const std::vector<int64_t>& landmark_rows, double gamma);

// MRLT [i_max] of samples [N, ...]; needs N >= landmarks >= 3.
std::vector<double> mean_relative_living_times(const Tensor& samples, const GeometryScoreOptions& options = {});

// sum (a_i - b_i)^2 over two MRLTs of one length.
double geometry_score(const std::vector<double>& mrlt_a, const std::vector<double>& mrlt_b);
// GS of two sample sets, each with its own default gamma.
double geometry_score(const Tensor& samples_a, const Tensor& samples_b, const GeometryScoreOptions& options = {});

struct MrltSeries {
  std::string name;
  std::vector<double> mrlt;
};
// Side-by-side bars of MRLT(i) for i = 0 .. the last i any series exceeds
// 1e-3 at (at least 0 .. 4), one colour per series, as a PNG.
void plot_mrlt(const std::string& path, const std::vector<MrltSeries>& series, const std::string& title);

}  // namespace nabla::metrics
