#pragma once
// Differentiable reductions. `dims` empty means every dim.
#include <vector>

#include "core/tensor.h"

namespace nabla {

using Dims = std::vector<int64_t>;

Tensor sum(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor mean(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// Sums x down to `shape` (the vjp of broadcasting).
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace nabla
