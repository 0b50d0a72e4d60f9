#pragma once
// Helpers of the CUDA parity tests: every test runs an op on CPU tensors and
// on CUDA copies of them and compares. Without a device they GTEST_SKIP.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "autograd/nabla.h"
#include "core/copy.h"
#include "core/cuda_memory.h"
#include "core/device.h"
#include "tests/testing.h"

namespace nabla::testing {

#define NABLA_REQUIRE_CUDA()                                                          \
  do {                                                                                \
    if (::nabla::cuda_device_count() == 0)                                            \
      GTEST_SKIP() << "no CUDA device (nothing to compare the CPU kernels against)"; \
  } while (0)

inline Tensor to_cuda(const Tensor& x) { return prim::to(x, Device::cuda(0)); }
inline Tensor to_cpu(const Tensor& x) { return prim::to(x, Device::cpu()); }

// A seeded tensor of `dtype` on the CPU: N(0, 1), or U[low, high).
inline Tensor sample(const Shape& shape, DType dtype, uint64_t seed, double low = 0, double high = 0) {
  Generator gen(seed);
  if (low < high) return uniform(shape, low, high, dtype, &gen);
  return randn(shape, dtype, &gen);
}

// Tolerances of a CUDA result against the CPU's, by dtype: elementwise maps
// differ by the device's libm (a few ulp), sums by their order.
struct Tol {
  double rtol, atol;
};
inline Tol tol_for(DType t, double scale = 1) {
  return t == DType::f32 ? Tol{1e-5 * scale, 1e-6 * scale} : Tol{1e-12 * scale, 1e-13 * scale};
}

inline ::testing::AssertionResult matches(const Tensor& cuda, const Tensor& cpu, Tol tol) {
  if (!cuda.device().is_cuda()) return ::testing::AssertionFailure() << "result not on CUDA: " << describe(cuda);
  return allclose(to_cpu(cuda), cpu, tol.rtol, tol.atol);
}

inline const std::vector<DType>& float_types() {
  static const std::vector<DType> types{DType::f32, DType::f64};
  return types;
}

// Edge and ordinary shapes: empty, one element, odd, 2-D, 3-D, large.
inline const std::vector<Shape>& test_shapes() {
  static const std::vector<Shape> shapes{{0}, {1}, {17}, {5, 7}, {3, 4, 5}, {0, 3}, {100003}};
  return shapes;
}

}  // namespace nabla::testing
