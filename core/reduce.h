#pragma once
// Reduction front-ends: dims normalised (empty = all), reduced dims moved
// last for the kernel, keepdim handled by a view.
#include <vector>

#include "core/tensor.h"
#include "kernels/reduce.h"

namespace nabla::prim {

using kernels::Reduce;
using Dims = std::vector<int64_t>;

Tensor sum(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// Sums a broadcast gradient back to `shape` (the inverse of expand).
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace nabla::prim
