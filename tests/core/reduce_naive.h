#pragma once
// An independent, naive reduction for the tests: gathers each output's
// elements (row-major over the reduced dims) from a plain walk of x and
// applies a function of the list of values.
#include <algorithm>
#include <functional>
#include <vector>

#include "tests/testing.h"

namespace nabla::testing {

using Values = std::vector<double>;

inline Tensor naive_reduce(const Tensor& x, const Dims& dims, bool keepdim,
                           const std::function<double(const Values&)>& f) {
  const int64_t nd = x.dim();
  std::vector<bool> reduced(nd, dims.empty());
  for (int64_t d : dims) reduced[d < 0 ? d + nd : d] = true;
  Shape out_shape, kept_shape;
  for (int64_t d = 0; d < nd; ++d) {
    if (!reduced[d]) kept_shape.push_back(x.shape()[d]);
    if (!reduced[d] || keepdim) out_shape.push_back(reduced[d] ? 1 : x.shape()[d]);
  }
  int64_t n_out = 1;
  for (int64_t s : kept_shape) n_out *= s;
  std::vector<Values> groups(n_out);
  const std::vector<double> v = to_vector<double>(x);
  for (size_t i = 0; i < v.size(); ++i) {
    int64_t rest = static_cast<int64_t>(i), out = 0, scale = 1;
    for (int64_t d = nd - 1; d >= 0; --d) {
      const int64_t j = rest % x.shape()[d];
      rest /= x.shape()[d];
      if (!reduced[d]) out += j * scale, scale *= x.shape()[d];
    }
    groups[out].push_back(v[i]);
  }
  std::vector<double> result(n_out);
  for (int64_t i = 0; i < n_out; ++i) result[i] = f(groups[i]);
  if (out_shape.empty()) return scalar(result.empty() ? 0.0 : result[0], DType::f64);
  return tensor<double>(result, out_shape);
}

}  // namespace nabla::testing
