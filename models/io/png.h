#pragma once
// PNG output (libpng) and image grids like torchvision's make_grid.
#include <string>

#include "core/tensor.h"

namespace nabla::io {

// PNG bytes of a u8 image: [H, W] grey or [H, W, 3] RGB (any strides).
std::string encode_png(const Tensor& image_u8);
// encode_png written atomically to `path`.
void write_png(const std::string& path, const Tensor& image_u8);

// Tiles images [N, C, H, W] (C = 1 or 3, any float or integer dtype, values in
// [lo, hi], clamped) into `nrow` images per row with `padding` black pixels
// around each, scaled to 0..255: u8 [H', W'] for C = 1, [H', W', 3] for C = 3.
Tensor image_grid(const Tensor& images, int nrow = 8, int padding = 2, double lo = 0, double hi = 1);

}  // namespace nabla::io
