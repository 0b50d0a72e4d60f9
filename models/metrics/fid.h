#pragma once
// Frechet distance between Gaussians fitted to two feature sets (Heusel et al.
// 2017, "GANs trained by a two time-scale update rule", eq. 6):
//
//   FID = |m1 - m2|^2 + Tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2)
//
// Means and covariances in float64, covariances unbiased (divide by N - 1).
// The trace of the square root comes from two symmetric eigendecompositions
// (S1 = V diag(w) V^T gives S1^1/2 = V diag(sqrt w) V^T; then the eigenvalues
// of the symmetric S1^1/2 S2 S1^1/2), never from a non-symmetric sqrtm;
// eigenvalues that rounding made slightly negative count as 0.
//
// Any feature network works: nabla's own uses the Fashion-MNIST classifier
// (classifier.h), so its numbers are not comparable with Inception-based FIDs.
#include <cstdint>

#include "core/tensor.h"

namespace nabla::metrics {

struct Gaussian {
  Tensor mean;  // f64 [D]
  Tensor cov;   // f64 [D, D]
};

struct FidOptions {
  // Added to the covariances' diagonals. With 0, fewer samples than feature
  // dims plus one (N <= D, a singular covariance) is an error.
  double regularise = 0;
};

// Mean and unbiased covariance of features [N, D] (any float dtype, any device).
Gaussian fit_gaussian(const Tensor& features, const FidOptions& options = {});
// The Frechet distance of two Gaussians of one dimension; never negative.
double frechet_distance(const Gaussian& a, const Gaussian& b);
// frechet_distance(fit_gaussian(a), fit_gaussian(b)).
double fid(const Tensor& features_a, const Tensor& features_b, const FidOptions& options = {});

}  // namespace nabla::metrics
