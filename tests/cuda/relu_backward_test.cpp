// prim::relu_backward on CUDA against the CPU kernel: the same float
// operations (a compare, a select, one multiply), so the same bits; edge
// shapes, strided operands, relu and leaky_relu.
#include <gtest/gtest.h>

#include "core/elementwise.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

TEST(CudaReluBackward, MatchesTheCpuBitwise) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (const Shape& shape : test_shapes())
      for (bool leaky : {false, true}) {
        const Tensor g = sample(shape, t, 1, -3, 3), x = sample(shape, t, 2, -3, 3);
        const Tensor want = prim::relu_backward(g, x, 0.2, leaky);
        EXPECT_TRUE(bitwise_equal(to_cpu(prim::relu_backward(to_cuda(g), to_cuda(x), 0.2, leaky)), want))
            << describe(x) << " leaky " << leaky;
        if (shape.size() >= 2) {  // transposed views of both operands
          const Tensor gt = prim::transpose(g, 0, 1), xt = prim::transpose(x, 0, 1);
          EXPECT_TRUE(bitwise_equal(
              to_cpu(prim::relu_backward(prim::transpose(to_cuda(g), 0, 1), prim::transpose(to_cuda(x), 0, 1), 0.2,
                                         leaky)),
              prim::relu_backward(gt, xt, 0.2, leaky)))
              << "strided " << describe(x) << " leaky " << leaky;
        }
      }
}

TEST(CudaReluBackward, RejectsMixedDevices) {
  NABLA_REQUIRE_CUDA();
  EXPECT_THROW(prim::relu_backward(to_cuda(sample({3}, DType::f32, 1)), sample({3}, DType::f32, 2), 0, false),
               std::invalid_argument);
}

}  // namespace
}  // namespace nabla::testing
