#pragma once
// Shapes and strides: plain vectors of int64 with the checks every op needs.
#include <cstdint>
#include <string>
#include <vector>

namespace nabla {

using Shape = std::vector<int64_t>;
using Strides = std::vector<int64_t>;

std::string str(const Shape& shape);            // "[2, 3]"
// Product of sizes; throws on a negative size or on int64 overflow.
int64_t numel(const Shape& shape, const char* op = "shape");
Strides contiguous_strides(const Shape& shape);
// Maps a possibly negative dim into [0, ndim); throws "<op>: dim d out of range for ndim n".
int normalize_dim(int64_t dim, int64_t ndim, const char* op);
// NumPy broadcasting of two shapes; throws naming the op and both shapes.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
// The reduced dims as a sorted, duplicate-free list; empty `dims` means all.
std::vector<int> normalize_dims(const std::vector<int64_t>& dims, int64_t ndim, const char* op);

}  // namespace nabla
