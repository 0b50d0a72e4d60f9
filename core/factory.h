#pragma once
// Tensor factories. Options converts from a DType or a Device, so
// zeros({2, 3}), zeros({2, 3}, DType::f64) and
// zeros({2, 3}, {DType::f64, Device::cuda()}) all read naturally.
#include <vector>

#include "core/tensor.h"

namespace nabla {

struct Options {
  DType dtype = DType::f32;
  Device device = Device::cpu();
  bool requires_grad = false;

  Options() = default;
  Options(DType t) : dtype(t) {}                           // NOLINT: implicit on purpose
  Options(Device d) : device(d) {}                         // NOLINT
  Options(DType t, Device d, bool grad = false) : dtype(t), device(d), requires_grad(grad) {}
  static Options like(const Tensor& t) { return {t.dtype(), t.device()}; }
};

Tensor empty(const Shape& shape, Options options = {});
Tensor zeros(const Shape& shape, Options options = {});
Tensor ones(const Shape& shape, Options options = {});
Tensor full(const Shape& shape, double value, Options options = {});
// A 0-d tensor holding value.
Tensor scalar(double value, Options options = {});
// start, start+step, ... below end.
Tensor arange(double start, double end, double step = 1, Options options = {});
Tensor arange(int64_t end, Options options = DType::i64);
// A tensor holding `values` in row-major order; an empty shape means 1-D
// (use scalar() for a 0-d tensor).
template <class T>
Tensor tensor(const std::vector<T>& values, Shape shape = {}, Options options = dtype_of<T>());
Tensor eye(int64_t n, Options options = {});

Tensor empty_like(const Tensor& x);
Tensor zeros_like(const Tensor& x);
Tensor ones_like(const Tensor& x);
Tensor full_like(const Tensor& x, double value);

// The elements of a tensor (any device, any strides) as a std::vector<T>.
template <class T>
std::vector<T> to_vector(const Tensor& x);

}  // namespace nabla
