// CUDA matmul (hand GEMM and cuBLAS) against the CPU's Eigen product.
// Tolerance: f32 rtol 1e-4, atol 1e-5 * k (inputs N(0, 1): a dot product
// of k terms carries about sqrt(k) float rounding errors of size ~sqrt(k));
// f64 rtol 1e-11, atol 1e-13 * k.
#include <gtest/gtest.h>

#include "core/backend.h"
#include "core/linalg.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

Tol gemm_tol(DType t, int64_t k) {
  const double kk = static_cast<double>(k > 1 ? k : 1);
  return t == DType::f32 ? Tol{1e-4, 1e-5 * kk} : Tol{1e-11, 1e-13 * kk};
}

// Runs the body once per backend and restores "hand".
template <class F>
void for_each_backend(F&& f) {
  for (const char* b : {"hand", "vendor"}) {
    set_backend("matmul", b);
    f(b);
  }
  set_backend("matmul", "hand");
}

struct Mnk {
  int64_t m, n, k;
};

TEST(CudaMatmul, ShapesAndEdgesMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  const std::vector<Mnk> shapes{{1, 1, 1}, {0, 5, 3}, {4, 0, 3}, {3, 4, 0}, {17, 33, 65},
                                {64, 64, 64}, {65, 63, 17}, {64, 256, 784}, {300, 7, 129}};
  for_each_backend([&](const char* backend) {
    for (DType t : float_types())
      for (const Mnk& s : shapes) {
        const Tensor a = sample({s.m, s.k}, t, 1), b = sample({s.k, s.n}, t, 2);
        EXPECT_TRUE(matches(prim::matmul(to_cuda(a), to_cuda(b)), prim::matmul(a, b), gemm_tol(t, s.k)))
            << backend << " " << describe(a) << " @ " << describe(b);
      }
  });
}

TEST(CudaMatmul, TransposedAndStridedOperands) {
  NABLA_REQUIRE_CUDA();
  for_each_backend([&](const char* backend) {
    for (DType t : float_types()) {
      const Tensor at = sample({40, 30}, t, 3), bt = sample({50, 40}, t, 4);  // a = at^T, b = bt^T
      const Tensor a = prim::transpose(at, 0, 1), b = prim::transpose(bt, 0, 1);
      const Tensor ga = prim::transpose(to_cuda(at), 0, 1), gb = prim::transpose(to_cuda(bt), 0, 1);
      EXPECT_TRUE(matches(prim::matmul(ga, gb), prim::matmul(a, b), gemm_tol(t, 40))) << backend;
      // every other column: no unit stride at all
      const Tensor wide = sample({30, 80}, t, 5);
      const Tensor a2 = prim::slice(wide, 1, 0, 80, 2);
      const Tensor g2 = prim::slice(to_cuda(wide), 1, 0, 80, 2);
      EXPECT_TRUE(matches(prim::matmul(g2, to_cuda(b)), prim::matmul(a2, b), gemm_tol(t, 40))) << backend;
    }
  });
}

TEST(CudaMatmul, BatchedAndBroadcast) {
  NABLA_REQUIRE_CUDA();
  for_each_backend([&](const char* backend) {
    for (DType t : float_types()) {
      const Tensor a = sample({2, 3, 9, 11}, t, 6), b = sample({3, 11, 5}, t, 7);  // b broadcast over dim 0
      EXPECT_TRUE(matches(prim::matmul(to_cuda(a), to_cuda(b)), prim::matmul(a, b), gemm_tol(t, 11))) << backend;
      const Tensor x = sample({4, 6, 7}, t, 8), y = sample({4, 7, 3}, t, 9);
      EXPECT_TRUE(matches(prim::bmm(to_cuda(x), to_cuda(y)), prim::bmm(x, y), gemm_tol(t, 7))) << backend;
      const Tensor v = sample({7}, t, 10);
      EXPECT_TRUE(matches(prim::matmul(to_cuda(x), to_cuda(v)), prim::matmul(x, v), gemm_tol(t, 7))) << backend;
      const Tensor u = sample({9}, t, 11);
      EXPECT_TRUE(matches(prim::outer(to_cuda(u), to_cuda(v)), prim::outer(u, v), gemm_tol(t, 1))) << backend;
    }
  });
}

TEST(CudaMatmul, LargeSquare) {
  NABLA_REQUIRE_CUDA();
  const Tensor a = sample({1024, 1024}, DType::f32, 12), b = sample({1024, 1024}, DType::f32, 13);
  const Tensor want = prim::matmul(a, b);
  for_each_backend([&](const char* backend) {
    EXPECT_TRUE(matches(prim::matmul(to_cuda(a), to_cuda(b)), want, gemm_tol(DType::f32, 1024))) << backend;
  });
}

}  // namespace
}  // namespace nabla::testing
