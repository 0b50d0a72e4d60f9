#include "models/train/trainer.h"

#include "models/io/png.h"

namespace nabla::train {

Tensor Trainer::picture(int64_t n, Generator& gen) { return io::image_grid(sample(n, gen), 8, 2, -1, 1); }

}  // namespace nabla::train
