#include "models/train/trainer.h"

#include "models/io/png.h"

namespace nabla::train {

GraphStep Trainer::graph_step() {
  GraphStep s;
  s.unsupported = "its trainer does not split its step for capture (no Trainer::graph_step)";
  return s;
}

Tensor Trainer::picture(int64_t n, Generator& gen) { return io::image_grid(sample(n, gen), 8, 2, -1, 1); }

}  // namespace nabla::train
