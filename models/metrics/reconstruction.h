#pragma once
// Mean (minimum) reconstruction error, MRE (Qi 2017, "Loss-Sensitive
// Generative Adversarial Networks on Lipschitz Densities", sec. on
// generalisation): how well a generator can reproduce held-out images. For
// each image x,
//
//   e(x) = min over z of ||G(z) - x||_2 / sqrt(D)      (D = pixels; an RMS error)
//
// found by Adam (betas 0.9, 0.999) on z from `starts` random starts
// z ~ N(0, I), `steps` steps at rate `lr`, keeping the best start; MRE is
// the mean of e over the images. All images and starts are optimised as one
// batch (G in eval mode, so each z's gradient is its own); G's parameters
// are not touched.
#include <cstdint>
#include <functional>
#include <vector>

#include "core/tensor.h"

namespace nabla::metrics {

struct MreOptions {
  int64_t starts = 4;    // random starts per image
  int64_t steps = 200;   // Adam steps
  double lr = 0.05;      // Adam's step size
  uint64_t seed = 0;     // the starts
};

struct MreResult {
  double mre = 0;              // mean of errors
  std::vector<double> errors;  // e(x) per image
  Tensor best_z;               // [N, z_dim], the z reaching e(x)
};

// generator(z [B, z_dim]) -> [B, ...] of images' shape; images [N, ...] (N >= 1) on the generator's device.
MreResult mean_reconstruction_error(const std::function<Tensor(const Tensor&)>& generator, int64_t z_dim,
                                    const Tensor& images, const MreOptions& options = {});

}  // namespace nabla::metrics
