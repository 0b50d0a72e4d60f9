// CUDA pooling and nearest upsampling against the CPU, values and gradients
// (which run the backward kernels, and through them max_pool2d_gather),
// contiguous and strided, f32 and f64. The kernels sum in the CPU's order:
// tolerance tol_for (avg_pool2d's forward sums in double on both).
#include <gtest/gtest.h>

#include "autograd/pool.h"
#include "tests/cuda/parity.h"

namespace nabla::testing {
namespace {

struct Case {
  Shape shape;
  Size2 kernel, stride, padding, dilation;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> c{
      {{1, 1, 1, 1}, 1, 1, 0, 1},       {{2, 3, 7, 5}, 2, {}, 0, 1},   {{2, 3, 7, 5}, 3, 2, 1, 1},
      {{1, 2, 9, 8}, {3, 2}, {2, 3}, {1, 1}, {2, 1}}, {{3, 6, 6}, 2, 1, 1, 1}, {{4, 5, 14, 14}, 4, 2, 1, 1},
  };
  return c;
}

TEST(CudaPool, MaxPoolMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (const Case& c : cases()) {
        const Tensor x = sample(c.shape, t, 1);
        expect_parity("max_pool2d " + str(c.shape), {x},
                      [&](const std::vector<Tensor>& v, Device) {
                        return max_pool2d(v[0], c.kernel, c.stride, c.padding, c.dilation);
                      },
                      tol_for(t), strided);
        const auto [y, idx] = prim::max_pool2d_with_indices(x, c.kernel, c.stride, c.padding, c.dilation);
        const auto [yc, idxc] =
            prim::max_pool2d_with_indices(to_cuda(x), c.kernel, c.stride, c.padding, c.dilation);
        EXPECT_TRUE(bitwise_equal(to_cpu(idxc), idx)) << "indices " << str(c.shape);
        const Tensor g = sample(y.shape(), t, 2);
        expect_parity("max_pool2d_backward " + str(c.shape), {g},
                      [&](const std::vector<Tensor>& v, Device d) {
                        return max_pool2d_backward(v[0], prim::to(idx, d), x.shape());
                      },
                      tol_for(t), strided);
      }
}

TEST(CudaPool, AvgPoolMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (bool include_pad : {true, false})
        for (const Case& c : cases()) {
          if (c.dilation.h != 1 || c.dilation.w != 1) continue;  // avg_pool2d has no dilation
          const Tensor x = sample(c.shape, t, 3);
          expect_parity("avg_pool2d " + str(c.shape), {x},
                        [&](const std::vector<Tensor>& v, Device) {
                          return avg_pool2d(v[0], c.kernel, c.stride, c.padding, include_pad);
                        },
                        tol_for(t), strided);
          const Tensor y = prim::avg_pool2d(x, c.kernel, c.stride, c.padding, include_pad);
          expect_parity("avg_pool2d_backward " + str(c.shape), {sample(y.shape(), t, 4)},
                        [&](const std::vector<Tensor>& v, Device) {
                          return avg_pool2d_backward(v[0], x.shape(), c.kernel, c.stride, c.padding, include_pad);
                        },
                        tol_for(t), strided);
        }
}

TEST(CudaPool, UpsampleNearestMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (Size2 out : std::vector<Size2>{{1, 1}, {14, 14}, {5, 11}, {3, 2}}) {
        const Tensor x = sample({2, 3, 7, 4}, t, 5);
        expect_parity("upsample_nearest2d_to " + std::to_string(out.h) + "x" + std::to_string(out.w), {x},
                      [&](const std::vector<Tensor>& v, Device) { return upsample_nearest2d_to(v[0], out); },
                      tol_for(t), strided);
      }
}

// Empty batches and empty channel dims, forward and backward.
TEST(CudaPool, EmptyBatchAndChannelsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (const Shape& shape : std::vector<Shape>{{0, 3, 7, 5}, {2, 0, 7, 5}}) {
        const Tensor x = sample(shape, t, 1);
        expect_parity("max_pool2d " + str(shape), {x},
                      [](const std::vector<Tensor>& v, Device) { return max_pool2d(v[0], 2); }, tol_for(t), strided);
        expect_parity("avg_pool2d " + str(shape), {x},
                      [](const std::vector<Tensor>& v, Device) { return avg_pool2d(v[0], 3, 2, 1); }, tol_for(t),
                      strided);
        expect_parity("upsample_nearest2d " + str(shape), {x},
                      [](const std::vector<Tensor>& v, Device) { return upsample_nearest2d(v[0], 2); }, tol_for(t),
                      strided);
      }
}

}  // namespace
}  // namespace nabla::testing
