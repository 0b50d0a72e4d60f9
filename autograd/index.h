#pragma once
// Differentiable indexing and joining (see core/index.h for the semantics).
// Integer index tensors get no gradient; one_hot has none.
#include <cstdint>
#include <vector>

#include "core/index.h"
#include "core/tensor.h"

namespace nabla {

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
// Views (narrow), so their gradients flow through slice's vjp.
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim = 0);
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source);
Tensor one_hot(const Tensor& indices, int64_t num_classes = -1, DType dtype = DType::i64);

Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadMode mode = PadMode::constant,
           double value = 0);
Tensor flip(const Tensor& x, const std::vector<int64_t>& dims);

}  // namespace nabla
