#include "models/vae/grids.h"

#include <algorithm>

#include "autograd/nabla.h"
#include "models/io/canvas.h"
#include "models/io/png.h"

namespace nabla::vae {

namespace {
constexpr int kMargin = 4;
}

Tensor stack_panels(const std::vector<Panel>& panels) {
  std::vector<Tensor> grids;
  int width = 0, height = kMargin;
  for (const Panel& p : panels) {
    grids.push_back(io::image_grid(p.images, p.per_row, 2, 0, 1));
    width = std::max({width, static_cast<int>(grids.back().size(1)), io::Canvas::text_width(p.title)});
    height += io::Canvas::text_height() + 2 + static_cast<int>(grids.back().size(0)) + kMargin;
  }
  width = std::max(width, 1) + 2 * kMargin;
  io::Canvas canvas(width, height);
  int y = kMargin;
  for (size_t i = 0; i < panels.size(); ++i) {
    canvas.text(kMargin, y, panels[i].title, {0, 0, 0});
    y += io::Canvas::text_height() + 2;
    const int h = static_cast<int>(grids[i].size(0)), w = static_cast<int>(grids[i].size(1));
    const auto pixels = to_vector<uint8_t>(contiguous(grids[i]));
    for (int r = 0; r < h; ++r)
      for (int c = 0; c < w; ++c) {
        const uint8_t v = pixels[static_cast<size_t>(r) * w + c];
        canvas.set(kMargin + c, y + r, {v, v, v});
      }
    y += h + kMargin;
  }
  return canvas.to_tensor();
}

Tensor input_over_output(const Tensor& inputs, const Tensor& outputs, int per_row) {
  std::vector<Tensor> rows;
  for (int64_t start = 0; start < inputs.size(0); start += per_row) {
    const int64_t end = std::min<int64_t>(inputs.size(0), start + per_row);
    rows.push_back(slice(inputs, 0, start, end));
    rows.push_back(slice(outputs, 0, start, end));
  }
  return cat(rows, 0);
}

}  // namespace nabla::vae
