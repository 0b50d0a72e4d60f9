// bf16 on CUDA against the CPU: the casts (the same rounding code: the same
// bits), ops given bf16 (the f32 CUDA kernels on float copies: within one bf16
// rounding of the CPU's result), and autocast's f32 parameter gradients.
#include <gtest/gtest.h>

#include "core/conv.h"
#include "core/elementwise.h"
#include "core/linalg.h"
#include "core/reduce.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

using prim::promote_f32;
using prim::round_bf16;

constexpr double kBf16 = 1.0 / 128;  // two bf16 roundings apart at most

TEST(CudaBf16, CastsMatchTheCpuBitwise) {
  NABLA_REQUIRE_CUDA();
  for (const Shape& shape : test_shapes()) {
    const Tensor x = sample(shape, DType::f32, 1, -1e3, 1e3);
    const Tensor b = round_bf16(x);
    EXPECT_TRUE(bitwise_equal(to_cpu(round_bf16(to_cuda(x))), b)) << describe(x);
    EXPECT_TRUE(bitwise_equal(to_cpu(promote_f32(to_cuda(b))), promote_f32(b))) << describe(x);
    EXPECT_TRUE(bitwise_equal(to_cpu(round_bf16(to_cuda(prim::to(x, DType::f64)))), b)) << describe(x);
    if (shape.size() >= 2) {
      const Tensor xt = prim::transpose(x, 0, 1);
      EXPECT_TRUE(bitwise_equal(to_cpu(round_bf16(prim::transpose(to_cuda(x), 0, 1))), round_bf16(xt)));
    }
  }
  const Tensor edge = tensor<float>({INFINITY, -INFINITY, NAN, -0.0f, 1e-40f, 3.4e38f}, {6});
  EXPECT_TRUE(bitwise_equal(to_cpu(round_bf16(to_cuda(edge))), round_bf16(edge)));
  EXPECT_TRUE(
      bitwise_equal(to_cpu(full({5}, 0.1, Options(DType::bf16, Device::cuda(0)))), full({5}, 0.1, DType::bf16)));
}

TEST(CudaBf16, OpsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (const Shape& shape : test_shapes()) {
    const Tensor a = round_bf16(sample(shape, DType::f32, 2)), b = round_bf16(sample(shape, DType::f32, 3));
    EXPECT_TRUE(matches(prim::unary(prim::Unary::tanh, to_cuda(a)), prim::unary(prim::Unary::tanh, a),
                        {kBf16, 1e-6}));
    EXPECT_TRUE(matches(prim::binary(prim::Binary::mul, to_cuda(a), to_cuda(b)),
                        prim::binary(prim::Binary::mul, a, b), {0, 0}));  // one float multiply, one rounding
    EXPECT_TRUE(matches(prim::sum(to_cuda(a)), prim::sum(a), {kBf16, 1e-3}));
  }
  for (auto [m, k, n] : {std::array<int64_t, 3>{1, 1, 1}, {3, 17, 5}, {65, 33, 129}}) {
    const Tensor a = round_bf16(sample({m, k}, DType::f32, 4)), b = round_bf16(sample({n, k}, DType::f32, 5));
    const Tensor bt = prim::transpose(b, 0, 1);  // a non-contiguous operand
    EXPECT_TRUE(matches(prim::matmul(to_cuda(a), prim::transpose(to_cuda(b), 0, 1)), prim::matmul(a, bt),
                        {kBf16, 1e-3 * k}));
  }
  Conv2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  const Tensor x = round_bf16(sample({2, 3, 7, 5}, DType::f32, 6)), w = round_bf16(sample({4, 3, 3, 3}, DType::f32, 7));
  EXPECT_TRUE(matches(prim::conv2d(to_cuda(x), to_cuda(w), {}, p), prim::conv2d(x, w, {}, p), {kBf16, 1e-2}));
  const Tensor wt = round_bf16(sample({3, 2, 4, 4}, DType::f32, 8));
  EXPECT_TRUE(matches(prim::conv_transpose2d(to_cuda(x), to_cuda(wt), {}, p), prim::conv_transpose2d(x, wt, {}, p),
                      {kBf16, 1e-2}));
}

TEST(CudaBf16, AutocastGradientsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = sample({9, 5}, DType::f32, 9);
  const Tensor w = sample({3, 5}, DType::f32, 10), bias = sample({3}, DType::f32, 11);
  auto grads = [&](Device d) {
    const Tensor wd = prim::to(w, d), bd = prim::to(bias, d);
    wd.requires_grad_(true);
    bd.requires_grad_(true);
    Tensor y;
    {
      AutocastGuard guard(DType::bf16);
      y = linear(prim::to(x, d), wd, bd);
    }
    EXPECT_EQ(y.dtype(), DType::bf16);
    backward(sum(square(to(y, DType::f32))));
    EXPECT_EQ(wd.grad().dtype(), DType::f32);
    return std::pair<Tensor, Tensor>{wd.grad(), bd.grad()};
  };
  const auto [gw_cpu, gb_cpu] = grads(Device::cpu());
  const auto [gw_cuda, gb_cuda] = grads(Device::cuda(0));
  EXPECT_TRUE(matches(gw_cuda, gw_cpu, {2 * kBf16, 1e-2}));
  EXPECT_TRUE(matches(gb_cuda, gb_cpu, {2 * kBf16, 1e-2}));
}

}  // namespace
}  // namespace nabla::testing
