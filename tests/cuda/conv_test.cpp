// CUDA conv2d / conv_transpose2d against the CPU, values and the gradients of
// input, weight and bias (which run all three kernels: forward, input
// gradient = conv_transpose2d's forward, weight gradient), contiguous and
// strided, f32 and f64, with the DCGAN-28 shapes at batch 4. The GEMMs sum
// in another order than Eigen. Sums of ~800 products of size ~1 reach ~30
// with f32 rounding noise ~1e-4 on either side, so f32 compares with rtol
// and atol 1e-3; f64 with 1e-10.
#include <gtest/gtest.h>

#include "autograd/conv.h"
#include "core/backend.h"
#include "kernels/device.h"
#include "kernels/cuda/gemm.h"
#include "tests/cuda/parity.h"

namespace nabla::testing {
namespace {

Tol conv_tol(DType t) { return t == DType::f32 ? Tol{1e-3, 1e-3} : Tol{1e-10, 1e-10}; }

struct Case {
  const char* name;
  Shape x, w;
  Conv2dParams p;
  bool bias;
};

Conv2dParams params(int64_t s, int64_t pad, int64_t dil = 1, int64_t groups = 1, int64_t out_pad = 0) {
  Conv2dParams p;
  p.stride = {s, s};
  p.padding = {pad, pad};
  p.dilation = {dil, dil};
  p.groups = groups;
  p.output_padding = {out_pad, out_pad};
  return p;
}

Conv2dParams odd() {  // unequal strides, paddings and dilations per axis
  Conv2dParams p;
  p.stride = {2, 1};
  p.padding = {1, 2};
  p.dilation = {1, 2};
  return p;
}

void run_cases(const std::vector<Case>& cases, bool transpose) {
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (const Case& c : cases) {
        const int64_t C_out = transpose ? c.w[1] * c.p.groups : c.w[0];
        std::vector<Tensor> inputs{sample(c.x, t, 1), sample(c.w, t, 2, -0.3, 0.3)};
        if (c.bias) inputs.push_back(sample({C_out}, t, 3));
        expect_parity(std::string(transpose ? "conv_transpose2d " : "conv2d ") + c.name, inputs,
                      [&](const std::vector<Tensor>& v, Device) {
                        const Tensor b = c.bias ? v[2] : Tensor();
                        return transpose ? conv_transpose2d(v[0], v[1], b, c.p) : conv2d(v[0], v[1], b, c.p);
                      },
                      conv_tol(t), strided);
      }
}

TEST(CudaConv, Conv2dMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  run_cases({{"1x1", {1, 1, 1, 1}, {1, 1, 1, 1}, params(1, 0), false},
             {"3x3 pad", {2, 3, 7, 5}, {4, 3, 3, 3}, params(1, 1), true},
             {"odd", {3, 2, 9, 8}, {5, 2, 3, 2}, odd(), true},
             {"groups", {2, 4, 6, 6}, {6, 2, 3, 3}, params(2, 1, 1, 2), true},
             {"dilated", {1, 3, 11, 11}, {2, 3, 3, 3}, params(1, 2, 2), false},
             {"65 channels, odd P", {2, 3, 9, 7}, {65, 3, 3, 3}, params(1, 1), true},
             {"dcgan 1->64", {4, 1, 28, 28}, {64, 1, 4, 4}, params(2, 1), true},
             {"dcgan 64->128", {4, 64, 14, 14}, {128, 64, 4, 4}, params(2, 1), true}},
            false);
}

TEST(CudaConv, ConvTranspose2dMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  run_cases({{"1x1", {1, 1, 1, 1}, {1, 1, 1, 1}, params(1, 0), false},
             {"k4 s2 p1", {2, 3, 5, 4}, {3, 2, 4, 4}, params(2, 1), true},
             {"output_padding", {2, 3, 5, 5}, {3, 4, 3, 3}, params(2, 1, 1, 1, 1), true},
             {"groups", {2, 4, 3, 3}, {4, 3, 3, 3}, params(1, 0, 1, 2), true},
             {"65 channels", {3, 65, 5, 3}, {65, 2, 3, 3}, params(2, 1), true},
             {"dcgan 128->64", {4, 128, 7, 7}, {128, 64, 4, 4}, params(2, 1), true},
             {"dcgan 64->1", {4, 64, 14, 14}, {64, 1, 4, 4}, params(2, 1), true}},
            true);
}

// 256 x 3 x 3 x 64 x 64 = 9.4M column entries per image: the CUDA kernels
// cut the batch of 4 into chunks of 3 and 1 (kColBudget = 2^25), and the
// weight gradient adds the second chunk's GEMM to the first's. f64 only:
// the weight gradient sums 16384 terms, beyond a tight f32 comparison.
TEST(CudaConv, ChunkedBatchMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  const DType t = DType::f64;
  const std::vector<Tensor> inputs{sample({4, 256, 64, 64}, t, 7), sample({2, 256, 3, 3}, t, 8, -0.1, 0.1),
                                   sample({2}, t, 9)};
  expect_parity("conv2d chunked", inputs,
                [](const std::vector<Tensor>& v, Device) { return conv2d(v[0], v[1], v[2], params(1, 1)); },
                Tol{1e-9, 1e-9});
}

// The im2col GEMMs run gemm.h's float kernel, whose tile depends on the
// shape (sgemm_tile): 2 images, G = (sms + 7) / 8 groups of 130 output
// channels and P = 10 x 13 = 130 give the forward GEMM (batched over images
// and groups) at least sms blocks of 128, the large tile, cut at 130 both
// ways; the cases above run the small tile. The weight gradient sums only
// N P = 260 terms per entry, well within conv_tol in f32.
TEST(CudaConv, LargeTileMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  const int sms = kernels::cuda::multiprocessor_count(0);
  const int64_t n = 2, groups = (sms + 7) / 8;
  ASSERT_EQ(kernels::cuda::gemm::sgemm_tile(130, 130, n * groups, sms), 128);
  const DType t = DType::f32;
  for (bool strided : {false, true}) {
    const std::vector<Tensor> inputs{sample({n, 2 * groups, 10, 13}, t, 11),
                                     sample({130 * groups, 2, 3, 3}, t, 12, -0.3, 0.3), sample({130 * groups}, t, 13)};
    expect_parity("conv2d large tile", inputs,
                  [&](const std::vector<Tensor>& v, Device) {
                    return conv2d(v[0], v[1], v[2], params(1, 1, 1, groups));
                  },
                  conv_tol(t), strided);
  }
}

// conv has no TF32 mode (core/backend.h): matmul's setting leaves it exact.
TEST(CudaConv, IgnoresTheMatmulTf32Setting) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = to_cuda(sample({3, 5, 9, 9}, DType::f32, 14));
  const Tensor w = to_cuda(sample({7, 5, 3, 3}, DType::f32, 15));
  const Conv2dParams p = params(2, 1);
  const Tensor exact = to_cpu(prim::conv2d(x, w, {}, p));
  set_backend("matmul", "tf32");
  const Tensor under_tf32 = to_cpu(prim::conv2d(x, w, {}, p));
  set_backend("matmul", "hand");
  EXPECT_TRUE(bitwise_equal(exact, under_tf32));
}

TEST(CudaConv, IsDeterministic) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = to_cuda(sample({4, 64, 14, 14}, DType::f32, 4));
  const Tensor g = to_cuda(sample({4, 1, 28, 28}, DType::f32, 5));
  const Conv2dParams p = params(2, 1);
  const Tensor a = prim::conv2d_weight(g, x, {64, 1, 4, 4}, p), b = prim::conv2d_weight(g, x, {64, 1, 4, 4}, p);
  EXPECT_TRUE(bitwise_equal(to_cpu(a), to_cpu(b)));
  const Tensor w = to_cuda(sample({64, 1, 4, 4}, DType::f32, 6));
  EXPECT_TRUE(bitwise_equal(to_cpu(prim::conv_transpose2d(x, w, {}, p)), to_cpu(prim::conv_transpose2d(x, w, {}, p))));
}

// Empty operands through the hand kernels (cuDNN has its own test): an empty
// batch gives an empty output and zero weight and bias gradients; zero input
// channels give a GEMM with K = 0, whose output must be written as zeros
// (plus the bias), not left as the allocator's garbage. Forward and backward.
TEST(CudaConv, EmptyBatchAndZeroChannelsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  const Conv2dParams p = params(2, 1);
  for (DType t : float_types())
    for (bool strided : {false, true}) {
      expect_parity("conv2d empty batch", {sample({0, 3, 8, 8}, t, 1), sample({5, 3, 4, 4}, t, 2), sample({5}, t, 3)},
                    [&](const std::vector<Tensor>& v, Device) { return conv2d(v[0], v[1], v[2], p); }, conv_tol(t),
                    strided);
      expect_parity("conv_transpose2d empty batch",
                    {sample({0, 5, 7, 7}, t, 4), sample({5, 3, 4, 4}, t, 5), sample({3}, t, 6)},
                    [&](const std::vector<Tensor>& v, Device) { return conv_transpose2d(v[0], v[1], v[2], p); },
                    conv_tol(t), strided);
      expect_parity("conv2d zero input channels", {sample({2, 0, 8, 8}, t, 7), sample({5, 0, 4, 4}, t, 8), sample({5}, t, 9)},
                    [&](const std::vector<Tensor>& v, Device) { return conv2d(v[0], v[1], v[2], p); }, conv_tol(t),
                    strided);
    }
}

}  // namespace
}  // namespace nabla::testing
