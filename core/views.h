#pragma once
// View ops: new shape/strides/offset over the same storage, no copy
// (reshape copies only when no view can express the result).
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace nabla::prim {

// Same elements, new shape; one size may be -1 (inferred). view() throws when
// the strides cannot express it; reshape() then copies.
Tensor view(const Tensor& x, Shape shape);
Tensor reshape(const Tensor& x, Shape shape);
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1);
// The permutation transpose applies: the identity with dim0 and dim1 swapped.
std::vector<int64_t> transpose_dims(const Tensor& x, int64_t dim0, int64_t dim1);
// Elements start, start+step, ... below end along dim (end clamped to the size).
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step = 1);
// Resolves negative and out-of-range bounds the way slice does: {start, end}.
std::pair<int64_t, int64_t> slice_bounds(int64_t size, int64_t start, int64_t end);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
// Broadcast to `shape` with stride 0 (size -1 keeps the size).
Tensor expand(const Tensor& x, const Shape& shape);
Tensor squeeze(const Tensor& x);              // every size-1 dim
Tensor squeeze(const Tensor& x, int64_t dim);  // that dim, if it has size 1
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);

// Resolves a -1 in `shape` against numel; throws if sizes disagree.
Shape infer_shape(const char* op, Shape shape, int64_t numel, const Shape& from);

}  // namespace nabla::prim
