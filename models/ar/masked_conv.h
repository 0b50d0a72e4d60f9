#pragma once
// The masked convolution of PixelCNN (van den Oord et al. 2016, "Pixel
// Recurrent Neural Networks", sec. 3.4 and fig. 2): a same-size conv whose
// weight is multiplied by a constant 0/1 mask so that the output at pixel
// (i, j) sees only pixels before it in raster order (rows above, then the
// pixels to its left). Type A (the first layer) also hides the centre pixel
// itself; type B (every later layer) lets it through, since there the centre
// holds features that already exclude the pixel's own value. With one image
// channel no channel-group masking is needed.
#include <array>
#include <cstdint>

#include "models/nn/layers.h"

namespace nabla::ar {

enum class MaskType { A, B };

// Odd square kernel k, padding k / 2, stride 1: output [N, out, H, W].
class MaskedConv2d : public nn::Conv2d {
 public:
  MaskedConv2d(MaskType type, int64_t in_channels, int64_t out_channels, int64_t kernel, Options options = {},
               Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "MaskedConv2d"; }
  MaskType type;
};

// The 0/1 mask [k, k] of a type (f32): 1 above the centre row, and left of
// (type A) or up to and including (type B) the centre in its row.
Tensor causal_mask(MaskType type, int64_t kernel);

}  // namespace nabla::ar
