// CUDA matmul (hand GEMM and cuBLAS) against the CPU's Eigen product.
// Tolerance: f32 rtol 1e-4, atol 1e-5 * k (inputs N(0, 1): a dot product
// of k terms carries about sqrt(k) float rounding errors of size ~sqrt(k));
// f64 rtol 1e-11, atol 1e-13 * k.
// The float kernels of gemm_f32.cuh (exact "hand" and "tf32") are also
// checked against the CPU product in double over every transpose combination,
// odd and tile-edge sizes, misaligned and unit-stride-free views and batches;
// TF32 by the relative Frobenius error, which lands near 3e-4 (10-bit
// mantissas), under a bound of 1e-2.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <stdexcept>

#include "core/backend.h"
#include "core/linalg.h"
#include "kernels/device.h"
#include "kernels/cuda/gemm.h"
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


// ------------------------------------------------------------ float kernels
// ||got - want|| / ||want|| (Frobenius), got on CUDA, want on the CPU.
double rel_error(const Tensor& got, const Tensor& want) {
  const auto x = to_vector<double>(to_cpu(got)), y = to_vector<double>(want);
  double num = 0, den = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(x[i])) return INFINITY;
    num += (x[i] - y[i]) * (x[i] - y[i]), den += y[i] * y[i];
  }
  return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}

// Each float backend with its acceptance: exact ones elementwise as above,
// TF32 ones by relative Frobenius error.
struct FloatBackend {
  const char* name;
  bool tf32;
};
const FloatBackend kFloatBackends[] = {{"hand", false}, {"tf32", true}, {"vendor", false}, {"vendor_tf32", true}};

// a @ b on CUDA (ga, gb: the same values there, any layout) against the CPU
// product in double, under every float backend.
void expect_float_matmul(const Tensor& a, const Tensor& b, const Tensor& ga, const Tensor& gb,
                         const std::string& what) {
  const Tensor want = prim::matmul(prim::to(a, DType::f64), prim::to(b, DType::f64));
  const int64_t k = a.shape()[a.dim() - 1];
  for (const FloatBackend& be : kFloatBackends) {
    set_backend("matmul", be.name);
    const Tensor got = prim::matmul(ga, gb);
    if (be.tf32) {
      const double err = rel_error(got, want);
      EXPECT_LT(err, 1e-2) << be.name << " " << what;
    } else {
      EXPECT_TRUE(allclose(prim::to(to_cpu(got), DType::f64), want, 1e-4, 1e-5 * double(k > 1 ? k : 1)))
          << be.name << " " << what;
    }
  }
  set_backend("matmul", "hand");
}

// An m x n x k product under every transpose combination: a stored [m, k]
// (row-major: scalar copies) or [k, m] and viewed transposed (column-major:
// 16-byte copies); b likewise.
void expect_every_transpose(const Mnk& s, uint64_t& seed) {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      const Tensor sa = ta ? sample({s.k, s.m}, DType::f32, ++seed) : sample({s.m, s.k}, DType::f32, ++seed);
      const Tensor sb = tb ? sample({s.n, s.k}, DType::f32, ++seed) : sample({s.k, s.n}, DType::f32, ++seed);
      const Tensor a = ta ? prim::transpose(sa, 0, 1) : sa, b = tb ? prim::transpose(sb, 0, 1) : sb;
      const Tensor ga = ta ? prim::transpose(to_cuda(sa), 0, 1) : to_cuda(sa);
      const Tensor gb = tb ? prim::transpose(to_cuda(sb), 0, 1) : to_cuda(sb);
      expect_float_matmul(a, b, ga, gb,
                          std::to_string(s.m) + "x" + std::to_string(s.n) + "x" + std::to_string(s.k) +
                              (ta ? " A^T" : "") + (tb ? " B^T" : ""));
    }
}

TEST(CudaMatmulFloat, EveryTransposeCombinationAndEdgeSize) {
  NABLA_REQUIRE_CUDA();
  // 128 x 128 x 16 and 128 x 256 x 32 are whole block tiles (sgemm, tf32)
  // and k-tiles; the others cut tiles at every edge (m, n, k not multiples
  // of 128, 256, 4 or 16; K < one k-tile; empty: K = 0 must write zeros).
  const std::vector<Mnk> shapes{{1, 1, 1}, {1, 7, 5}, {6, 1, 9}, {37, 129, 67}, {128, 128, 16},
                                {128, 256, 32}, {130, 257, 33}, {256, 64, 300}, {3, 200, 2},
                                {0, 5, 3},      {4, 0, 3},      {4, 5, 0}};
  uint64_t seed = 20;
  for (const Mnk& s : shapes) expect_every_transpose(s, seed);
}

TEST(CudaMatmulFloat, MisalignedAndStridedViews) {
  NABLA_REQUIRE_CUDA();
  const Tensor wa = sample({70, 140}, DType::f32, 40), wb = sample({140, 132}, DType::f32, 41);
  const Tensor ga = to_cuda(wa), gb = to_cuda(wb);
  // Row stride 132, 130 columns: 16-byte copies with a partial last float4.
  const Tensor b1 = prim::slice(wb, 1, 0, 130), gb1 = prim::slice(gb, 1, 0, 130);
  expect_float_matmul(wa, b1, ga, gb1, "b: 130 of 132 columns");
  // Base pointer one float past alignment: scalar copies throughout.
  const Tensor a2 = prim::slice(wa, 1, 1, 140), b2 = prim::slice(wb, 0, 1, 140);
  expect_float_matmul(a2, b2, prim::slice(ga, 1, 1, 140), prim::slice(gb, 0, 1, 140), "offset by one float");
  // Every other column: no unit stride at all.
  const Tensor a3 = prim::slice(wa, 1, 0, 140, 2), b3 = prim::slice(wb, 0, 0, 140, 2);
  expect_float_matmul(a3, b3, prim::slice(ga, 1, 0, 140, 2), prim::slice(gb, 0, 0, 140, 2), "step 2");
  // Row stride not a multiple of 4 (k = 5): column-major A, scalar B.
  const Tensor at = sample({5, 33}, DType::f32, 42), b4 = sample({5, 9}, DType::f32, 43);
  expect_float_matmul(prim::transpose(at, 0, 1), b4, prim::transpose(to_cuda(at), 0, 1), to_cuda(b4), "k = 5");
}

TEST(CudaMatmulFloat, BatchedBroadcastAndLongK) {
  NABLA_REQUIRE_CUDA();
  const Tensor a = sample({3, 2, 33, 17}, DType::f32, 50), b = sample({2, 17, 65}, DType::f32, 51);
  expect_float_matmul(a, b, to_cuda(a), to_cuda(b), "batch 3 x 2, b broadcast over dim 0");
  const Tensor x = sample({5, 130, 12}, DType::f32, 52), y = sample({5, 12, 131}, DType::f32, 53);
  expect_float_matmul(x, y, to_cuda(x), to_cuda(y), "bmm 5");
  const Tensor xt = prim::transpose(x, 1, 2), gxt = prim::transpose(to_cuda(x), 1, 2);  // [5, 12, 130]
  const Tensor z = sample({5, 130, 8}, DType::f32, 54);
  expect_float_matmul(xt, z, gxt, to_cuda(z), "bmm 5, A^T");
  // Many k-tiles through the 3-stage ring, 2 x 2 block tiles.
  const Tensor p = sample({256, 1000}, DType::f32, 55), q = sample({1000, 200}, DType::f32, 56);
  expect_float_matmul(p, q, to_cuda(p), to_cuda(q), "256x200x1000");
}

// sgemm's tile by shape (gemm.h's sgemm_tile): shapes on both sides of the
// rule for this device's SM count, each cut at the tile edges, under every
// transpose combination; the test checks that both tiles ran.
TEST(CudaMatmulFloat, BothSgemmTiles) {
  NABLA_REQUIRE_CUDA();
  const int sms = kernels::cuda::multiprocessor_count(0);
  // Rows for at least `sms` blocks of 128 with 2 column blocks, plus a cut.
  const int64_t big_m = 128 * ((sms + 1) / 2) + 5;
  const std::vector<Mnk> shapes{{64, 784, 256}, {65, 129, 17}, {1, 1, 3}, {big_m, 200, 33}, {big_m, 131, 5}};
  std::set<int> tiles;
  uint64_t seed = 70;
  for (const Mnk& s : shapes) {
    tiles.insert(kernels::cuda::gemm::sgemm_tile(s.m, s.n, 1, sms));
    expect_every_transpose(s, seed);
  }
  // A batch that fills the SMs with 128 tiles of small matrices.
  const Tensor x = sample({sms, 70, 9}, DType::f32, 90), y = sample({sms, 9, 130}, DType::f32, 91);
  tiles.insert(kernels::cuda::gemm::sgemm_tile(70, 130, sms, sms));
  expect_float_matmul(x, y, to_cuda(x), to_cuda(y), "bmm of " + std::to_string(sms) + " 70x130x9");
  EXPECT_EQ(tiles, (std::set<int>{64, 128}));
}

// Both tiles sum each C element by one FMA chain in k order: the same bits,
// so the result does not depend on the device's SM count.
TEST(CudaMatmulFloat, TilesGiveTheSameBits) {
  NABLA_REQUIRE_CUDA();
  const int sms = kernels::cuda::multiprocessor_count(0);
  const int64_t m = 128 * ((sms + 1) / 2) + 5;
  ASSERT_EQ(kernels::cuda::gemm::sgemm_tile(m, 200, 1, sms), 128);
  ASSERT_EQ(kernels::cuda::gemm::sgemm_tile(64, 200, 1, sms), 64);
  const Tensor a = to_cuda(sample({m, 77}, DType::f32, 95)), b = to_cuda(sample({77, 200}, DType::f32, 96));
  const Tensor whole = prim::matmul(a, b);                        // 128 tiles
  const Tensor top = prim::matmul(prim::slice(a, 0, 0, 64), b);   // 64 tiles
  EXPECT_TRUE(bitwise_equal(to_cpu(top), to_cpu(prim::slice(whole, 0, 0, 64))));
}

TEST(CudaMatmulFloat, Tf32IsAMatmulBackendOnly) {
  set_backend("matmul", "tf32");
  EXPECT_EQ(backend("matmul"), kernels::Backend::tf32);
  EXPECT_STREQ(name(backend("matmul")), "tf32");
  set_backend("matmul", "vendor_tf32");
  EXPECT_STREQ(name(backend("matmul")), "vendor_tf32");
  set_backend("matmul", "hand");
  EXPECT_THROW(set_backend("conv", "tf32"), std::invalid_argument);
  EXPECT_EQ(backend("conv"), kernels::Backend::hand);
}

TEST(CudaMatmulFloat, Tf32LeavesDoubleExact) {
  NABLA_REQUIRE_CUDA();
  const Tensor a = sample({33, 47}, DType::f64, 60), b = sample({47, 29}, DType::f64, 61);
  set_backend("matmul", "tf32");
  const Tensor got = prim::matmul(to_cuda(a), to_cuda(b));
  set_backend("matmul", "hand");
  EXPECT_TRUE(matches(got, prim::matmul(a, b), gemm_tol(DType::f64, 47)));
}

}  // namespace
}  // namespace nabla::testing
