// The conv vendor path (cuDNN, set_backend("conv", "vendor")) against our
// CUDA convolution on the same inputs: the values of conv2d and
// conv_transpose2d and the gradients of input, weight and bias, which run
// the three cuDNN calls (forward, backward data, backward filter). Both sum
// in their own orders; the tolerances are the CPU parity's (conv_test.cpp):
// f32 rtol and atol 1e-3 (cuDNN with FMA math, no TF32), f64 1e-10.
#include <gtest/gtest.h>

#include "autograd/conv.h"
#include "core/backend.h"
#include "kernels/cuda/cudnn_conv.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

Tol conv_tol(DType t) { return t == DType::f32 ? Tol{1e-3, 1e-3} : Tol{1e-10, 1e-10}; }

Conv2dParams params(int64_t s, int64_t pad, int64_t dil = 1, int64_t groups = 1, int64_t out_pad = 0) {
  Conv2dParams p;
  p.stride = {s, s};
  p.padding = {pad, pad};
  p.dilation = {dil, dil};
  p.groups = groups;
  p.output_padding = {out_pad, out_pad};
  return p;
}

struct Case {
  const char* name;
  bool transpose;
  Shape x, w;
  Conv2dParams p;
};

// Values and gradients (x, w, bias) of sum(conv(x, w, bias) * weights) under `backend`.
std::vector<Tensor> run(const Case& c, const std::vector<Tensor>& inputs, bool strided, const char* backend) {
  set_backend("conv", backend);
  std::vector<Tensor> leaves;
  for (const Tensor& x : inputs) {
    Tensor leaf = strided ? noncontiguous(to_cuda(x)) : prim::clone(to_cuda(x));
    leaves.push_back(leaf.requires_grad_());
  }
  const Tensor y = c.transpose ? conv_transpose2d(leaves[0], leaves[1], leaves[2], c.p)
                               : conv2d(leaves[0], leaves[1], leaves[2], c.p);
  backward(sum(y * to_cuda(sample(y.shape(), y.dtype(), 99))));
  set_backend("conv", "hand");
  return {detach(y), leaves[0].grad(), leaves[1].grad(), leaves[2].grad()};
}

TEST(CudaCudnnConv, VendorMatchesHand) {
  NABLA_REQUIRE_CUDA();
  if (!kernels::cuda::cudnn::available()) GTEST_SKIP() << "this build has no cuDNN";
  const std::vector<Case> cases{
      {"conv 3x3 pad", false, {2, 3, 7, 5}, {4, 3, 3, 3}, params(1, 1)},
      {"conv groups", false, {2, 4, 6, 6}, {6, 2, 3, 3}, params(2, 1, 1, 2)},
      {"conv dilated", false, {1, 3, 11, 11}, {2, 3, 3, 3}, params(1, 2, 2)},
      {"conv dcgan 1->64", false, {4, 1, 28, 28}, {64, 1, 4, 4}, params(2, 1)},
      {"conv dcgan 64->128", false, {4, 64, 14, 14}, {128, 64, 4, 4}, params(2, 1)},
      {"transpose output_padding", true, {2, 3, 5, 5}, {3, 4, 3, 3}, params(2, 1, 1, 1, 1)},
      {"transpose groups", true, {2, 4, 3, 3}, {4, 3, 3, 3}, params(1, 0, 1, 2)},
      {"transpose dcgan 128->64", true, {4, 128, 7, 7}, {128, 64, 4, 4}, params(2, 1)},
      {"transpose dcgan 64->1", true, {4, 64, 14, 14}, {64, 1, 4, 4}, params(2, 1)}};
  const char* parts[] = {"value", "grad x", "grad w", "grad bias"};
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (const Case& c : cases) {
        const int64_t C_out = c.transpose ? c.w[1] * c.p.groups : c.w[0];
        const std::vector<Tensor> inputs{sample(c.x, t, 1), sample(c.w, t, 2, -0.3, 0.3), sample({C_out}, t, 3)};
        const std::vector<Tensor> hand = run(c, inputs, strided, "hand"), vendor = run(c, inputs, strided, "vendor");
        for (size_t i = 0; i < hand.size(); ++i)
          EXPECT_TRUE(matches(vendor[i], to_cpu(hand[i]), conv_tol(t)))
              << c.name << " " << parts[i] << (strided ? " (strided)" : "") << " " << name(t);
      }
}

TEST(CudaCudnnConv, EmptyBatchAndNoBias) {
  NABLA_REQUIRE_CUDA();
  if (!kernels::cuda::cudnn::available()) GTEST_SKIP() << "this build has no cuDNN";
  set_backend("conv", "vendor");
  const Tensor x = to_cuda(sample({0, 3, 8, 8}, DType::f32, 4)), w = to_cuda(sample({5, 3, 3, 3}, DType::f32, 5));
  EXPECT_EQ(prim::conv2d(x, w, {}, params(1, 1)).shape(), (Shape{0, 5, 8, 8}));
  const Tensor gw = prim::conv2d_weight(x, to_cuda(zeros({0, 5, 8, 8})), {5, 3, 3, 3}, params(1, 1));
  EXPECT_TRUE(allclose(to_cpu(gw), zeros({5, 3, 3, 3})));
  const Tensor x1 = sample({2, 3, 8, 8}, DType::f32, 6), w1 = sample({5, 3, 3, 3}, DType::f32, 7);
  const Tensor y = prim::conv2d(to_cuda(x1), to_cuda(w1), {}, params(1, 1));
  set_backend("conv", "hand");
  EXPECT_TRUE(matches(y, prim::conv2d(x1, w1, {}, params(1, 1)), conv_tol(DType::f32))) << "vendor vs CPU";
}

// Runs without a device: the switch accepts "vendor" exactly when cuDNN is linked.
TEST(CudaCudnnConv, VendorSwitchFollowsTheBuild) {
  if (kernels::cuda::cudnn::available()) {
    set_backend("conv", "vendor");
    EXPECT_EQ(backend("conv"), kernels::Backend::vendor);
  } else {
    EXPECT_TRUE(throws_message<std::runtime_error>([] { set_backend("conv", "vendor"); }, "conv vendor",
                                                   {"set_backend", "conv", "cuDNN"}));
  }
  set_backend("conv", "hand");
  EXPECT_EQ(backend("conv"), kernels::Backend::hand);
}

}  // namespace
}  // namespace nabla::testing
