#pragma once
// Birthday-paradox test of a generator's support size (Arora and Zhang 2017,
// "Do GANs learn the distribution? Some theory and empirics"): if a batch
// of s samples from a distribution on K equally likely points holds a
// duplicate with probability p, then p ~ 1 - exp(-s(s-1) / (2K)), so
//
//   K ~ s(s-1) / (-2 ln(1 - p))     (about s^2 when p ~ 1/2).
//
// A "duplicate" is a pair closer (Euclidean, on the flattened samples: pixel
// space, or feature space when given features) than a threshold: a user
// value, or the `quantile` of the nearest-neighbour distances within a
// reference set of real data (each reference row to its nearest other row).
// Per batch size s the test draws `batches` batches and reports the share
// of batches with at least one duplicate pair, the mean number of such
// pairs m (K ~ s(s-1) / (2m), the same estimate from pair counts) and the
// implied support. The closest pairs of the largest batches are kept as
// images for a person to judge, as in the paper.
#include <cstdint>
#include <functional>
#include <vector>

#include "core/random.h"
#include "core/tensor.h"

namespace nabla::metrics {

struct BirthdayOptions {
  std::vector<int64_t> batch_sizes = {100, 200, 400, 800};  // s
  int64_t batches = 20;      // batches drawn per s
  double threshold = 0;      // > 0: the duplicate distance; else from the reference set
  double quantile = 0.01;    // of the reference's nearest-neighbour distances
  int64_t pairs = 16;        // closest pairs kept (from the batches of the largest s)
};

struct BirthdayRow {
  int64_t s = 0;
  double duplicate_rate = 0;     // share of batches with a duplicate pair
  double mean_pairs = 0;         // duplicate pairs per batch
  double support_from_rate = 0;  // s(s-1) / (-2 ln(1 - rate)); +inf at rate 0, NaN at rate 1
  double support_from_pairs = 0; // s(s-1) / (2 mean_pairs); +inf at 0 pairs
};

struct BirthdayResult {
  double threshold = 0;
  std::vector<BirthdayRow> rows;
  // The estimate of the row whose rate is nearest 1/2 (0 < rate < 1); else
  // the pair-count estimate of the largest s; +inf when no duplicates at all.
  double support = 0;
  Tensor closest;                 // [2 * pairs, ...]: pair k is rows 2k and 2k+1, closest first
  std::vector<double> distances;  // their distances
};

// The q-quantile (0 <= q <= 1) of the distances from each row of reference
// [M, ...] (M >= 2) to its nearest other row.
double nearest_neighbour_quantile(const Tensor& reference, double q);

// sample(n, gen): n samples [n, ...]. Needs options.threshold > 0 or a
// defined reference.
BirthdayResult birthday_test(const std::function<Tensor(int64_t, Generator&)>& sample, Generator& gen,
                             const BirthdayOptions& options, const Tensor& reference = Tensor());

}  // namespace nabla::metrics
