#pragma once
// PixelCNN (van den Oord, Kalchbrenner & Kavukcuoglu 2016, "Pixel Recurrent
// Neural Networks", sec. 3.4 and fig. 5) for one-channel images: p(x) =
// prod_i p(x_i | x_<i) in raster order, every conditional read off one
// forward pass whose masked convolutions keep pixel i blind to x_i and later
// (likelihood and sampling: pixel_model.h).
//
// Net: a 7x7 type-A masked conv to `width` (2h in the paper) channels; then
// `blocks` residual blocks, each ReLU -> 1x1 conv to h = width/2 -> ReLU ->
// 3x3 type-B masked conv -> ReLU -> 1x1 conv back to width, added to the
// block's input; then ReLU -> 1x1 conv to `out_hidden` -> ReLU -> 1x1 conv to
// the logits: one per pixel (levels = 2: Bernoulli on binarised images) or
// 256 per pixel (levels = 256: a softmax over the 8-bit values). (1x1 convs
// need no mask with one image channel.) The paper's nets are far larger
// (15 layers for CIFAR-10); the CPU defaults here are small.
#include <cstdint>
#include <memory>

#include "models/ar/pixel_model.h"

namespace nabla::ar {

struct PixelCnnOptions {
  int64_t levels = 2;  // 2 (binarised) or 256
  int64_t width = 32;
  int64_t blocks = 4;
  int64_t out_hidden = 32;
};

class PixelCnn : public PixelModel {
 public:
  explicit PixelCnn(const PixelCnnOptions& options, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "PixelCnn"; }

  const PixelCnnOptions options;

 private:
  std::shared_ptr<nn::Module> net_;
};

}  // namespace nabla::ar
