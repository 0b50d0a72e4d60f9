// CUDA softmax / log_softmax against the CPU's, forward and backward.
// Tolerance: tol_for scaled by 10 (exp and log of the device's libm, sums in
// another order).
#include <gtest/gtest.h>

#include "core/softmax.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

TEST(CudaSoftmax, MatchesTheCpuAlongEveryDim) {
  NABLA_REQUIRE_CUDA();
  const std::vector<Shape> shapes{{}, {1}, {17}, {5, 7}, {3, 4, 5}, {0, 3}, {2, 3000}, {4099, 10}};
  for (DType t : float_types())
    for (const Shape& shape : shapes)
      for (int64_t d = 0; d < std::max<int64_t>(1, static_cast<int64_t>(shape.size())); ++d)
        for (bool log : {false, true}) {
          const Tensor x = sample(shape, t, 1, -8, 8);
          auto f = [&](const Tensor& v) { return log ? prim::log_softmax(v, d) : prim::softmax(v, d); };
          EXPECT_TRUE(matches(f(to_cuda(x)), f(x), tol_for(t, 10))) << describe(x) << " dim " << d << " log " << log;
          if (shape.size() >= 2) {
            EXPECT_TRUE(matches(f(prim::transpose(to_cuda(x), 0, 1)), f(prim::transpose(x, 0, 1)), tol_for(t, 10)))
                << "strided " << describe(x) << " dim " << d;
          }
        }
}

TEST(CudaSoftmax, InfinitiesAndNaN) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = tensor(std::vector<double>{-INFINITY, -INFINITY, 1, NAN, 0, 1000, 3, -INFINITY, 2}, {3, 3});
  for (bool log : {false, true}) {
    const Tensor want = log ? prim::log_softmax(x, 1) : prim::softmax(x, 1);
    const Tensor got = log ? prim::log_softmax(to_cuda(x), 1) : prim::softmax(to_cuda(x), 1);
    EXPECT_TRUE(matches(got, want, tol_for(DType::f64, 10))) << "log " << log;
  }
}

TEST(CudaSoftmax, GradsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    const Tensor x = sample({6, 9}, t, 2), w = sample({6, 9}, t, 3);
    std::vector<Tensor> grads;
    for (Device dev : {Device::cpu(), Device::cuda(0)}) {
      Tensor leaf = prim::clone(prim::to(x, dev));
      leaf.requires_grad_();
      const Tensor wd = prim::to(w, dev);
      backward(sum(softmax(leaf, 1) * wd) + sum(log_softmax(leaf, 0) * wd));
      grads.push_back(leaf.grad());
    }
    EXPECT_TRUE(matches(grads[1], grads[0], t == DType::f32 ? Tol{1e-4, 1e-5} : Tol{1e-10, 1e-12})) << name(t);
  }
}

}  // namespace
}  // namespace nabla::testing
