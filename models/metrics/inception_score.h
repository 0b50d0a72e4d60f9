#pragma once
// Inception Score (Salimans et al. 2016, "Improved techniques for training
// GANs", sec. 4):
//
//   IS = exp(E_x KL(p(y|x) || p(y))),  p(y) = E_x p(y|x),
//
// computed, as in the original code, on `splits` disjoint parts of the
// samples (here after a seeded shuffle), each with its own p(y): the result
// is the mean and the (population) standard deviation of the parts' scores.
// It ranges from 1 (every prediction the same) to the number of classes
// (confident predictions spread evenly over the classes). nabla's p(y|x)
// comes from its Fashion-MNIST classifier (classifier.h), so its numbers are
// not comparable with Inception-based published scores.
#include <cstdint>

#include "core/tensor.h"

namespace nabla::metrics {

struct InceptionScore {
  double mean = 0;
  double std = 0;
};

// probs [N, C]: rows of class probabilities (any float dtype, any device;
// rows are used as given, 0 log 0 counts as 0). Needs N >= splits >= 1.
InceptionScore inception_score(const Tensor& probs, int64_t splits = 10, uint64_t seed = 0);

}  // namespace nabla::metrics
