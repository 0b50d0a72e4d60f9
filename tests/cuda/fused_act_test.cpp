// The fused conv_transpose2d + bias + activation and batch norm + activation
// ops on CUDA against the CPU: values and gradients through the ops (random
// and edge shapes, batch 1, odd sizes, strided leaves, every activation,
// batch norm training and eval, with and without affine), the raw kernels
// (activate_, activation_backward with its bias sums), and second order.
// Tolerance: tol_for (rtol 1e-5 f32, 1e-12 f64), 10 times that for the bias
// sums and running statistics, 100 times for the fused conv and batch norm
// ops and second order (GEMMs and reductions sum in another order).
#include <gtest/gtest.h>

#include "autograd/fused_act.h"
#include "core/fused_act.h"
#include "tests/cuda/cuda_testing.h"
#include "tests/cuda/parity.h"

namespace nabla::testing {
namespace {

const std::vector<Activation> kActs{
    {Act::identity}, {Act::relu}, {Act::leaky_relu, 0.2}, {Act::tanh}, {Act::sigmoid}};

std::string tag(Activation a, DType t) { return std::string(kernels::name(a.kind)) + " " + name(t); }

TEST(CudaFusedAct, ActivationKernelsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  const std::vector<Shape> shapes{{1, 1}, {0, 3, 2}, {3, 0}, {2, 3}, {5, 7, 3, 3}, {1, 2, 300, 300}, {64, 9, 1}};
  for (DType t : float_types())
    for (Activation a : kActs)
      for (const Shape& shape : shapes) {
        const Tensor z = sample(shape, t, 1), g = sample(shape, t, 2);
        Tensor y[2] = {prim::clone(z), to_cuda(z)};
        prim::activate_(y[0], a);
        prim::activate_(y[1], a);
        const std::string what = tag(a, t) + " " + str(shape);
        EXPECT_TRUE(matches(y[1], y[0], tol_for(t))) << what;
        for (bool strided : {false, true}) {
          const Tensor gs = strided ? noncontiguous(g) : g;
          const prim::ActGrads cpu = prim::activation_backward(gs, y[0], a, true);
          const prim::ActGrads dev = prim::activation_backward(strided ? noncontiguous(to_cuda(g)) : to_cuda(g),
                                                               to_cuda(y[0]), a, true);
          EXPECT_TRUE(matches(dev.grad_pre, cpu.grad_pre, tol_for(t))) << what;
          EXPECT_TRUE(matches(dev.grad_bias, cpu.grad_bias, tol_for(t, 10))) << what;
          EXPECT_FALSE(prim::activation_backward(to_cuda(g), to_cuda(y[0]), a, false).grad_bias.defined());
        }
      }
}

TEST(CudaFusedAct, ConvTransposeActMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  struct Case {
    Shape x, w;
    Conv2dParams p;
    bool bias;
  };
  const std::vector<Case> cases{
      {{4, 6, 7, 7}, {6, 3, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, true},  // DCGAN-like
      {{1, 3, 3, 5}, {3, 2, 3, 2}, {.stride = {1, 2}}, true},                      // batch 1, odd
      {{2, 4, 3, 3}, {4, 1, 3, 3}, {.stride = {2, 2}, .groups = 2, .output_padding = {1, 1}}, false},
      {{2, 5, 14, 14}, {5, 1, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, true}};  // one channel out
  for (DType t : float_types())
    for (Activation a : kActs)
      for (const Case& c : cases)
        for (bool strided : {false, true}) {
          std::vector<Tensor> in{sample(c.x, t, 3), sample(c.w, t, 4)};
          if (c.bias) in.push_back(sample({c.w[1] * c.p.groups}, t, 5));
          expect_parity(
              tag(a, t) + " x " + str(c.x), in,
              [&](const std::vector<Tensor>& l, Device) {
                return conv_transpose2d_act(l[0], l[1], l.size() > 2 ? l[2] : Tensor(), c.p, a);
              },
              tol_for(t, 100), strided);
        }
}

TEST(CudaFusedAct, BatchNormActMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  const std::vector<Shape> shapes{{8, 5}, {3, 4, 5, 5}, {1, 3, 7, 7}, {2, 1, 3}};
  for (DType t : float_types())
    for (Activation a : kActs)
      for (const Shape& shape : shapes)
        for (bool training : {true, false})
          for (bool affine : {true, false}) {
            const int64_t C = shape[1];
            const Tensor rm0 = sample({C}, t, 6), rv0 = sample({C}, t, 7, 0.5, 2.0);
            Tensor rm[2] = {prim::clone(rm0), to_cuda(rm0)}, rv[2] = {prim::clone(rv0), to_cuda(rv0)};
            std::vector<Tensor> in{sample(shape, t, 8)};
            if (affine) in.push_back(sample({C}, t, 9)), in.push_back(sample({C}, t, 10));
            expect_parity(
                tag(a, t) + " x " + str(shape) + (training ? " training" : " eval") + (affine ? " affine" : ""), in,
                [&](const std::vector<Tensor>& l, Device dev) {
                  const int k = dev.is_cuda() ? 1 : 0;
                  return batch_norm_act(l[0], affine ? l[1] : Tensor(), affine ? l[2] : Tensor(), rm[k], rv[k],
                                        training, 0.1, 1e-5, a);
                },
                tol_for(t, 100), shape.size() > 2);
            EXPECT_TRUE(matches(rm[1], rm[0], tol_for(t, 10)));
            EXPECT_TRUE(matches(rv[1], rv[0], tol_for(t, 10)));
          }
}

// Second order (create_graph) on the device against the CPU: the gradient of
// <grad_x, v> for the fused ops, as WGAN-GP takes it.
TEST(CudaFusedAct, SecondOrderMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (Activation a : kActs) {
    std::vector<Tensor> r[2];
    for (int k = 0; k < 2; ++k) {
      const Device dev = k == 0 ? Device::cpu() : Device::cuda(0);
      Tensor x = prim::to(sample({2, 3, 4, 4}, DType::f64, 11), dev), w = prim::to(sample({3, 2, 3, 3}, DType::f64, 12), dev);
      Tensor b = prim::to(sample({2}, DType::f64, 13), dev), bw = prim::to(sample({2}, DType::f64, 14), dev);
      for (Tensor* t : {&x, &w, &b, &bw}) t->requires_grad_();
      const Tensor h = conv_transpose2d_act(x, w, b, {.stride = {2, 2}, .padding = {1, 1}}, a);
      const Tensor y = batch_norm_act(h, bw, {}, {}, {}, true, 0.1, 1e-5, a);
      const Tensor gx = grad({sum(y * prim::to(sample(y.shape(), DType::f64, 15), dev))}, {x}, {},
                             {.create_graph = true})[0];
      r[k] = grad({sum(gx * gx)}, {x, w, b, bw}, {}, {.allow_unused = true});
    }
    for (size_t i = 0; i < r[0].size(); ++i) {
      ASSERT_EQ(r[0][i].defined(), r[1][i].defined()) << kernels::name(a.kind) << " input " << i;
      if (r[0][i].defined()) {
        EXPECT_TRUE(matches(r[1][i], r[0][i], tol_for(DType::f64, 100))) << kernels::name(a.kind) << " input " << i;
      }
    }
  }
}

}  // namespace
}  // namespace nabla::testing
