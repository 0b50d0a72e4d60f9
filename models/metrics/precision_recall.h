#pragma once
// Improved precision and recall for distributions (Kynkaanniemi et al. 2019,
// "Improved precision and recall metric for assessing generative models",
// eqs. 1-3). Each point of a set gets the radius of its k-th nearest other
// point of the same set; the set's manifold is the union of those balls:
//
//   f(x, Phi) = 1 if |x - phi| <= NN_k(phi, Phi) for some phi in Phi, else 0
//   precision = mean over generated g of f(g, real)
//   recall    = mean over real r of f(r, generated)
//
// All in float64; pairwise distances are computed `block` rows at a time
// ([block, N] at most, never an N x M x D temporary).
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace nabla::metrics {

struct PrecisionRecallOptions {
  int64_t k = 3;        // the radius is the distance to the k-th nearest other point
  int64_t block = 512;  // rows of a pairwise distance block
};

struct PrecisionRecall {
  double precision = 0;
  double recall = 0;
};

// For each row of x [N, ...] (flattened), its distance to its k-th nearest
// other row (duplicates count as distance 0). Needs N > k >= 1.
std::vector<double> knn_radii(const Tensor& x, int64_t k, int64_t block = 512);
// Share of the rows of points [M, ...] within radii[i] of some row i of
// manifold [N, ...] (same flattened width).
double manifold_coverage(const Tensor& manifold, const std::vector<double>& radii, const Tensor& points,
                         int64_t block = 512);
// Precision of generated against real and recall of real against generated
// (features [N, D] and [M, D], any float dtype and device).
PrecisionRecall precision_recall(const Tensor& real, const Tensor& generated,
                                 const PrecisionRecallOptions& options = {});

}  // namespace nabla::metrics
