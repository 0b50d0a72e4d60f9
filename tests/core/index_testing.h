#pragma once
// Helpers shared by the index-family tests: sample tensors of every dtype,
// in-range index tensors, row-major coordinates.
#include <string>
#include <vector>

#include "core/copy.h"
#include "core/reduce.h"
#include "core/views.h"
#include "tests/testing.h"

namespace nabla::index_testing {

inline const DType kAllDtypes[] = {DType::f32, DType::f64, DType::i64, DType::u8, DType::b8};
inline const DType kNumberDtypes[] = {DType::f32, DType::f64, DType::i64, DType::u8};

// Small distinct-ish values (i * 7 + seed) % 11 of dtype t (bool: nonzero).
inline Tensor sample(const Shape& shape, DType t, int64_t seed = 0) {
  std::vector<double> v(static_cast<size_t>(numel(shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>((static_cast<int64_t>(i) * 7 + seed) % 11);
  return prim::to(tensor<double>(v, shape), t);
}

// Indices (i * 5 + seed) % n, in range for a dim of size n.
inline Tensor sample_index(const Shape& shape, int64_t n, int64_t seed = 0) {
  std::vector<int64_t> v(static_cast<size_t>(numel(shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = (static_cast<int64_t>(i) * 5 + seed) % n;
  return tensor<int64_t>(v, shape);
}

inline std::vector<int64_t> unravel(int64_t flat, const Shape& shape) {
  std::vector<int64_t> c(shape.size());
  for (size_t d = shape.size(); d-- > 0;) c[d] = flat % shape[d], flat /= shape[d];
  return c;
}

inline int64_t ravel(const std::vector<int64_t>& c, const Shape& shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d) flat = flat * shape[d] + c[d];
  return flat;
}

}  // namespace nabla::index_testing
