// CUDA batch_norm (train and eval) and layer_norm against the CPU's: outputs,
// running statistics and grads. Tolerance: f32 rtol 1e-4, f64 rtol 1e-10.
#include <gtest/gtest.h>

#include "tests/cuda/parity.h"

namespace nabla::testing {
namespace {

Tol norm_tol(DType t) { return t == DType::f32 ? Tol{1e-4, 1e-5} : Tol{1e-10, 1e-12}; }

struct BatchNormRun {
  Tensor out, grad_x, grad_w, running_mean;
};

BatchNormRun run_batch_norm(Device dev, const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& g, bool training) {
  Tensor xl = prim::clone(prim::to(x, dev)), wl = prim::clone(prim::to(w, dev));
  xl.requires_grad_();
  wl.requires_grad_();
  const Shape c{x.shape()[1]};
  Tensor rm = prim::to(sample(c, x.dtype(), 9), dev), rv = prim::to(sample(c, x.dtype(), 10, 0.5, 2), dev);
  const Tensor out = batch_norm(xl, wl, prim::to(b, dev), rm, rv, training);
  backward(sum(out * prim::to(g, dev)));
  return {detach(out), xl.grad(), wl.grad(), rm};
}

TEST(CudaNorm, BatchNormTrainAndEval) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (const Shape& shape : std::vector<Shape>{{4, 3}, {2, 3, 5, 5}, {64, 8, 7, 7}})
      for (bool training : {true, false}) {
        const Shape c{shape[1]};
        const Tensor x = sample(shape, t, 1), w = sample(c, t, 2), b = sample(c, t, 3), g = sample(shape, t, 4);
        const BatchNormRun cpu = run_batch_norm(Device::cpu(), x, w, b, g, training);
        const BatchNormRun gpu = run_batch_norm(Device::cuda(0), x, w, b, g, training);
        EXPECT_TRUE(matches(gpu.out, cpu.out, norm_tol(t))) << describe(x) << " training " << training;
        EXPECT_TRUE(matches(gpu.grad_x, cpu.grad_x, norm_tol(t))) << describe(x);
        EXPECT_TRUE(matches(gpu.grad_w, cpu.grad_w, norm_tol(t))) << describe(x);
        EXPECT_TRUE(matches(gpu.running_mean, cpu.running_mean, norm_tol(t))) << describe(x);
      }
}

TEST(CudaNorm, LayerNorm) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (const auto& [shape, normalized] : std::vector<std::pair<Shape, Shape>>{
             {{5, 7}, {7}}, {{2, 3, 4}, {3, 4}}, {{1, 1}, {1}}, {{8, 3000}, {3000}}}) {
      const Tensor x = sample(shape, t, 5), w = sample(normalized, t, 6), b = sample(normalized, t, 7);
      const Tensor g = sample(shape, t, 8);
      std::vector<Tensor> outs, gx, gw;
      for (Device dev : {Device::cpu(), Device::cuda(0)}) {
        Tensor xl = prim::clone(prim::to(x, dev)), wl = prim::clone(prim::to(w, dev));
        xl.requires_grad_();
        wl.requires_grad_();
        const Tensor out = layer_norm(xl, normalized, wl, prim::to(b, dev));
        backward(sum(out * prim::to(g, dev)));
        outs.push_back(detach(out)), gx.push_back(xl.grad()), gw.push_back(wl.grad());
      }
      EXPECT_TRUE(matches(outs[1], outs[0], norm_tol(t))) << describe(x);
      EXPECT_TRUE(matches(gx[1], gx[0], norm_tol(t))) << describe(x);
      EXPECT_TRUE(matches(gw[1], gw[0], norm_tol(t))) << describe(x);
    }
}

// Non-contiguous leaves (x, weight, bias strided on both devices), odd sizes
// and two values per channel (one is refused in training on both devices), forward and backward, through
// expect_parity (values and every leaf's gradient).
TEST(CudaNorm, StridedAndOddShapesMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (bool strided : {false, true}) {
      for (const Shape& shape : std::vector<Shape>{{2, 3}, {3, 5, 7, 3}, {2, 1, 1, 1}}) {
        const Shape c{shape[1]};
        for (bool training : {true, false})
          expect_parity("batch_norm " + str(shape) + " training " + std::to_string(training),
                        {sample(shape, t, 21), sample(c, t, 22), sample(c, t, 23)},
                        [&](const std::vector<Tensor>& v, Device d) {
                          const Tensor rm = prim::to(sample(c, t, 24), d);
                          const Tensor rv = prim::to(sample(c, t, 25, 0.5, 2), d);
                          return batch_norm(v[0], v[1], v[2], rm, rv, training);
                        },
                        norm_tol(t), strided);
      }
      for (const auto& [shape, normalized] :
           std::vector<std::pair<Shape, Shape>>{{{3, 5, 7}, {7}}, {{4, 3, 5}, {3, 5}}, {{1, 1}, {1}}, {{0, 5}, {5}}})
        expect_parity("layer_norm " + str(shape), {sample(shape, t, 26), sample(normalized, t, 27), sample(normalized, t, 28)},
                      [&](const std::vector<Tensor>& v, Device) { return layer_norm(v[0], normalized, v[1], v[2]); },
                      norm_tol(t), strided);
    }
}

}  // namespace
}  // namespace nabla::testing
