#pragma once
// Differentiable reductions. `dims` empty means every dim; keepdim keeps the
// reduced dims as size 1. Every vjp is written with differentiable ops.
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace nabla {

using Dims = std::vector<int64_t>;

Tensor sum(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor mean(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// The gradient is the product of the others, also at zeros (first and
// second derivatives are exact there; third and higher only away from zeros).
Tensor prod(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// Values of the max (min); NaN propagates. The gradient is split evenly among
// the positions that tie for the extremum (as torch's amax); a NaN extremum
// gives NaN gradients to its range.
Tensor max(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor min(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// {values, indices}: values as max() (same gradient), indices as argmax().
std::pair<Tensor, Tensor> max_with_indices(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
std::pair<Tensor, Tensor> min_with_indices(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// i64 position of the first extremum, row-major over the reduced dims (a flat
// index when several dims are reduced); no gradient.
Tensor argmax(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
Tensor argmin(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// log sum exp x, stable; vjp g exp(x - lse) (0 for a range that is all -inf).
Tensor logsumexp(const Tensor& x, const Dims& dims = {}, bool keepdim = false);
// (sum |x|^p)^(1/p), p > 0 or INFINITY. At x = 0 the gradient is the
// subgradient 0 (for every p); for p = inf it is split evenly among the
// positions tying for max |x|.
Tensor norm(const Tensor& x, double p = 2, const Dims& dims = {}, bool keepdim = false);
// sum (x - mean)^2 / (n - correction), correction 1 by default (as torch);
// std = sqrt(var), whose gradient is NaN where the variance is 0 (as torch).
Tensor var(const Tensor& x, const Dims& dims = {}, bool keepdim = false, double correction = 1);
Tensor std(const Tensor& x, const Dims& dims = {}, bool keepdim = false, double correction = 1);
// Sums x down to `shape` (the vjp of broadcasting).
Tensor sum_to(const Tensor& x, const Shape& shape);

}  // namespace nabla
