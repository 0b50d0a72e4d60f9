#pragma once
// Matrix products with PyTorch's matmul semantics. No gradients here (see
// autograd/linalg.h).
#include "core/tensor.h"

namespace nabla::prim {

// a @ b:
//   1-D x 1-D  the dot product, a 0-d tensor;
//   2-D x 2-D  the matrix product;
//   1-D x N-D  a is a row [1, k] whose dim is dropped from the result;
//   N-D x 1-D  b is a column [k, 1] whose dim is dropped from the result;
//   N-D x N-D  a batch of products over the leading dims, broadcast together.
Tensor matmul(const Tensor& a, const Tensor& b);
// Batched product of [B, m, k] and [B, k, n]; no broadcasting.
Tensor bmm(const Tensor& a, const Tensor& b);
// a[i] * b[j] as an [m, n] matrix, for 1-D a [m] and b [n].
Tensor outer(const Tensor& a, const Tensor& b);

}  // namespace nabla::prim
