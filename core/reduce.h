#pragma once
// Reduction front-ends: dims normalised (empty = all), reduced dims moved
// last for the kernel, keepdim handled by a view. No gradients here (see
// autograd/reduce.h).
//
// dtypes: sum, prod, max, min, argmax, argmin take f32, f64 and i64; the
// statistical ones (logsumexp, norm, var, std) take f32 and f64 only.
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "kernels/reduce.h"

namespace nabla::prim {

using kernels::Reduce;
using Dims = std::vector<int64_t>;

Tensor sum(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor prod(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// NaN propagates. Reducing over a zero-size dim throws (no identity).
Tensor max(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor min(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// i64 position of the first extremum (a NaN counts as one), row-major over
// the reduced dims: along the dim for one dim, a flat index for several or all.
Tensor argmax(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor argmin(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// {values, indices} in one pass.
std::pair<Tensor, Tensor> max_with_indices(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
std::pair<Tensor, Tensor> min_with_indices(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// log sum exp x, computed shifted by the max; an all -inf range gives -inf.
Tensor logsumexp(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// (sum |x|^p)^(1/p) for p > 0; p = INFINITY gives max |x|.
Tensor norm(const Tensor& x, double p = 2, const Dims& dims = {}, bool keepdim = false);
// sum (x - mean)^2 / (n - correction); correction 1 is the unbiased estimate.
// n <= correction gives inf or NaN, as in torch.
Tensor var(const Tensor& x, const Dims& dims = {}, bool keepdim = false, double correction = 1);
Tensor std(const Tensor& x, const Dims& dims = {}, bool keepdim = false, double correction = 1);

// Sums a broadcast gradient back to `shape` (the inverse of expand).
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace nabla::prim
