#pragma once
// Indexing and joining front-ends (no gradients; see autograd/index.h).
//
// Indices are i64 and must lie in [0, size): negative indices are rejected
// with the op, the offending value, the dim and its size in the message.
// Every op returns a fresh tensor except split and chunk, which return views.
#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace nabla {
// In namespace nabla (not prim) so that argument-dependent lookup on a
// PadMode never drags prim::pad into a call of nabla::pad.
enum class PadMode { constant, reflect, replicate };
const char* name(PadMode mode);
}  // namespace nabla

namespace nabla::prim {

// Joining. Every tensor has one dtype, one device and the same shape except
// along dim (cat) or the same shape (stack, which adds dim).
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
// stack's checks ("stack: ..." errors); returns dim normalised for the result.
int check_stack(const std::vector<Tensor>& tensors, int64_t dim);

// Splitting into views along dim: pieces of split_size (the last may be
// smaller), pieces of the given sizes (summing to the dim's size), or
// `chunks` pieces of ceil(size / chunks) (fewer when the size runs out).
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim = 0);
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);
// The piece sizes split and chunk cut, checked; `op` names the caller in errors.
std::vector<int64_t> split_sizes(const Tensor& x, int64_t split_size, int64_t dim, const char* op);
std::vector<int64_t> chunk_sizes(const Tensor& x, int64_t chunks, int64_t dim);
void check_split_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim, const char* op);

// Torch semantics: out[i][j] = x[i][index[i][j]] for dim 1, and so on.
// index has x's number of dims and is no larger than x in the other dims.
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
// x with src[i][j] added at [i][index[i][j]] for dim 1; index no larger than
// src in any dim nor than x in the other dims. Deterministic summation order.
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
// The entries index[0], index[1], ... of x along dim (index 1-D).
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
// x with source's slice k along dim added to x's slice index[k] (repeats add up).
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source);

// indices.shape + [num_classes] with ones at the indices; num_classes -1
// means max(indices) + 1.
Tensor one_hot(const Tensor& indices, int64_t num_classes = -1, DType dtype = DType::i64);

// Pads given from the last dim backwards: {left, right} for the last dim,
// then {top, bottom} for the one before, ...; negative pads crop. constant
// fills with value; reflect mirrors without repeating the edge (pad < size);
// replicate repeats the edge.
Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadMode mode = PadMode::constant,
           double value = 0);
// Checks pads against x's shape ("pad: ..." errors) and returns the output shape.
Shape padded_shape(const Tensor& x, const std::vector<int64_t>& pads, PadMode mode);
// For reflect and replicate: the source position of each output position of
// one dim of `size` padded by (left, right), as an i64 index for index_select.
Tensor pad_source_index(int64_t size, int64_t left, int64_t right, PadMode mode);

// x with the order of the entries along each of dims reversed.
Tensor flip(const Tensor& x, const std::vector<int64_t>& dims);

}  // namespace nabla::prim
