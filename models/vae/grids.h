#pragma once
// Pictures of image models: labelled panels (each a grid of images) stacked
// top to bottom on one white canvas.
#include <string>
#include <vector>

#include "core/tensor.h"

namespace nabla::vae {

struct Panel {
  std::string title;
  Tensor images;  // [N, 1, H, W] in [0, 1]
  int per_row = 8;
};

// u8 [H, W, 3]: each panel's title, then its images (2 px apart).
Tensor stack_panels(const std::vector<Panel>& panels);

// inputs and outputs [N, ...] interleaved `per_row` at a time (a row of
// inputs, the same row of outputs, the next row of inputs, ...) for a grid of
// `per_row` images per row.
Tensor input_over_output(const Tensor& inputs, const Tensor& outputs, int per_row);

}  // namespace nabla::vae
