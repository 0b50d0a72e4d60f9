#pragma once
// What PixelCNN and PixelRNN share (van den Oord et al. 2016, "Pixel
// Recurrent Neural Networks"): a net mapping one-channel images of pixel
// values to per-pixel logits, causal in raster order, so that p(x) =
// prod_i p(x_i | x_<i) is read off one forward pass; its exact NLL; and
// sequential sampling / completion. levels = 2: one logit per pixel
// (Bernoulli on binarised images); levels = 256: 256 logits per pixel (a
// softmax over the 8-bit values).
#include <cstdint>
#include <memory>

#include "core/random.h"
#include "models/nn/container.h"
#include "models/nn/layers.h"
#include "models/nn/module.h"

namespace nabla::ar {

class PixelModel : public nn::Module {
 public:
  // Throws std::invalid_argument naming `model` unless levels is 2 or 256.
  PixelModel(const std::string& model, int64_t levels);
  // x: pixel values in {0, .., levels-1} as floats [N, 1, H, W] -> logits
  // [N, 1, H, W] (levels 2) or [N, 256, H, W]. Must be causal.
  Tensor forward(const Tensor& x) override = 0;

  // Exact -log p(x) in nats per image [N] of pixel values x [N, 1, H, W].
  Tensor nll(const Tensor& x);
  // Completes x [N, 1, H, W] from row `from_row` on, pixel by pixel in raster
  // order (rows before it are kept): from_row 0 samples from scratch. No
  // gradients; draws from gen.
  Tensor complete(const Tensor& x, int64_t from_row, Generator& gen);

  int64_t levels() const { return levels_; }

 private:
  int64_t levels_;
};

// A 1x1 conv (no mask needed with one image channel).
std::shared_ptr<nn::Conv2d> conv1x1(int64_t in, int64_t out, Generator* gen);
// Appends ReLU -> 1x1 conv to `hidden` -> ReLU -> 1x1 conv to the logits of
// `levels` (the output stage of paper fig. 5 and sec. 3.4: masked 1x1 convs
// of type B, which with one image channel are plain 1x1 convs).
void add_output_head(nn::Sequential& net, int64_t width, int64_t hidden, int64_t levels, Generator* gen);

}  // namespace nabla::ar
