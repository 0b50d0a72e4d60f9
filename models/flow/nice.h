#pragma once
// NICE (Dinh, Krueger & Bengio 2015) for images [N, C, H, W] flattened to D:
// `couplings` additive coupling layers with alternating even/odd halves, each
// m an MLP of `hidden_layers` ReLU layers of `hidden` units, then the
// diagonal scaling layer, and a factorised prior (logistic as in the paper's
// MNIST model, or Gaussian).
#include <cstdint>
#include <memory>

#include "core/random.h"
#include "models/flow/flow.h"

namespace nabla::flow {

struct NiceOptions {
  int64_t couplings = 4;
  int64_t hidden = 512;
  int64_t hidden_layers = 3;
  Prior prior = Prior::logistic;
};

std::shared_ptr<FlowNet> make_nice(const Shape& image_shape, const NiceOptions& options, Generator* gen);

}  // namespace nabla::flow
