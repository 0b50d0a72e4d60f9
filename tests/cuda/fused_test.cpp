// The fused and batched kernels of issue 8 on CUDA against their CPU kernels:
// adam_step (bitwise, alone and through nn::Adam), slogdet and inv (one block
// per matrix, shared and global workspaces), svdvals (one-sided Jacobi) and
// the Jacobian spectrum metric that uses it.
#include <gtest/gtest.h>

#include <limits>

#include "core/det.h"
#include "core/optim.h"
#include "core/svdvals.h"
#include "models/metrics/jacobian.h"
#include "models/nn/nn.h"
#include "tests/cuda/cuda_testing.h"
#include "tests/cuda/parity.h"

namespace nabla::testing {
namespace {

TEST(CudaFused, AdamStepIsBitwiseTheCpus) {
  NABLA_REQUIRE_CUDA();
  const std::vector<prim::AdamStep> steps{{0.1, 0.999, 0.001, 0.0316, 1e-8, 0, -0.01},
                                          {0.7, 0.9, 0.1, 0.5, 1e-6, 0.01, -0.3}};
  for (DType t : float_types())
    for (bool strided : {false, true})
      for (const Shape& shape : std::vector<Shape>{{1}, {17, 5}, {100003}}) {
        auto make = [&](uint64_t seed, Device dev) {
          const Tensor x = prim::to(sample(shape, t, seed), dev);
          return strided ? noncontiguous(x) : prim::clone(x);
        };
        Tensor p[2], m[2], s[2];
        for (int k = 0; k < 2; ++k) {
          const Device dev = k == 0 ? Device::cpu() : Device::cuda(0);
          p[k] = make(1, dev), m[k] = make(2, dev), s[k] = abs(make(3, dev));
        }
        for (int i = 0; i < 4; ++i) {
          const Tensor g = sample(shape, t, 10 + i);
          prim::adam_step_(p[0], m[0], s[0], g, steps[i % 2]);
          prim::adam_step_(p[1], m[1], s[1], to_cuda(g), steps[i % 2]);
        }
        const std::string tag = describe(p[0]) + (strided ? " strided" : "");
        EXPECT_TRUE(bitwise_equal(to_cpu(p[1]), p[0])) << tag;
        EXPECT_TRUE(bitwise_equal(to_cpu(m[1]), m[0])) << tag;
        EXPECT_TRUE(bitwise_equal(to_cpu(s[1]), s[0])) << tag;
      }
}

TEST(CudaFused, AdamOptimizerOnCudaMatchesCpuBitwise) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    Tensor p[2];
    std::vector<std::unique_ptr<nn::Adam>> opt;
    for (int k = 0; k < 2; ++k) {
      p[k] = prim::to(sample({6, 7}, t, 1), k == 0 ? Device::cpu() : Device::cuda(0));
      p[k].requires_grad_();
      opt.push_back(std::make_unique<nn::Adam>(std::vector<Tensor>{p[k]}, 0.01, nn::AdamOptions{.weight_decay = 0.1}));
    }
    for (int i = 0; i < 5; ++i) {
      const Tensor g = sample({6, 7}, t, 20 + i);
      p[0].set_grad(g);
      p[1].set_grad(to_cuda(g));
      opt[0]->step();
      opt[1]->step();
    }
    EXPECT_TRUE(bitwise_equal(to_cpu(detach(p[1])), detach(p[0])));
  }
}

TEST(CudaFused, SlogdetAndInvMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    const Tol tol = tol_for(t, t == DType::f32 ? 100 : 1000);
    // 32x32 batches fit in shared memory; 100x100 (and inv of 60x60 in
    // double) take the global workspace.
    for (const Shape& shape : std::vector<Shape>{{0, 3, 3}, {1, 1}, {64, 32, 32}, {2, 3, 5, 5}, {3, 100, 100}, {2, 60, 60}})
      for (bool strided : {false, true}) {
        const Tensor a = sample(shape, t, 7);
        const Tensor x = strided ? noncontiguous(a) : a;
        const auto [s, l] = prim::slogdet(x);
        const auto [sc, lc] = prim::slogdet(to_cuda(x));
        EXPECT_TRUE(bitwise_equal(to_cpu(sc), s)) << describe(a);
        EXPECT_TRUE(matches(lc, l, tol)) << describe(a);
        EXPECT_TRUE(matches(prim::inv(to_cuda(x)), prim::inv(x), tol)) << describe(a);
      }
    // Singular: sign 0, -inf, on both.
    const Tensor singular = tensor<double>({1, 2, 3, 2, 4, 6, 0, 1, 5}, {3, 3}, t);
    const auto [sc, lc] = prim::slogdet(to_cuda(singular));
    EXPECT_EQ(to_cpu(sc).item(), 0);
    EXPECT_EQ(to_cpu(lc).item(), -std::numeric_limits<double>::infinity());
  }
}

TEST(CudaFused, SlogdetGradientsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  const Tensor a = sample({4, 6, 6}, DType::f64, 3);
  auto logabs = [](const std::vector<Tensor>& in, Device) { return slogdet(in[0]).second; };
  expect_parity("slogdet", {a}, logabs, tol_for(DType::f64, 100));
  expect_parity("slogdet", {a}, logabs, tol_for(DType::f64, 100), true);
  expect_parity("inv", {a}, [](const std::vector<Tensor>& in, Device) { return inv(in[0]); },
                tol_for(DType::f64, 100));
}

TEST(CudaFused, SvdvalsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (const Shape& shape : std::vector<Shape>{{1, 1}, {8, 10, 6}, {3, 5, 9}, {4, 200, 50}, {2, 7, 1}, {0, 3, 3}})
      for (bool strided : {false, true}) {
        const Tensor a = sample(shape, t, 5);
        const Tensor x = strided ? noncontiguous(a) : a;
        EXPECT_TRUE(matches(prim::svdvals(to_cuda(x)), prim::svdvals(x), tol_for(t, 100))) << describe(a);
      }
}

TEST(CudaFused, JacobianSpectrumSingularValuesOnCuda) {
  NABLA_REQUIRE_CUDA();
  const Tensor j = sample({5, 12, 4}, DType::f64, 8);
  const Tensor cpu = metrics::singular_values(j), gpu = metrics::singular_values(to_cuda(j));
  EXPECT_TRUE(gpu.device().is_cpu());
  EXPECT_TRUE(allclose(gpu, cpu, 1e-10, 1e-12));
}

}  // namespace
}  // namespace nabla::testing
