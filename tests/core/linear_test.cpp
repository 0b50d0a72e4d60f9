// prim::linear: f32 on the CPU through the packed SGEMM (kernels/linear_f32.h)
// against an in-order FMA reference of the same rounding (bitwise), on
// random, size-1, odd and strided shapes; the same bits on 1, 2 and 3
// threads; f64 as matmul + bias.
#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "autograd/nabla.h"
#include "core/elementwise.h"
#include "core/linalg.h"
#include "core/linear.h"
#include "kernels/cpu/sgemm.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::bitwise_equal;

Tensor rnd(const Shape& s, uint64_t seed, DType dtype = DType::f32) {
  return to(testing::random(s, seed, {.requires_grad = false}), dtype);
}

// y(i, j) = sum over kSgemmKc-long blocks of l (each an in-order FMA chain
// from 0), blocks added in order, then + b(j): the rounding of linear_f32.
Tensor reference(const Tensor& x, const Tensor& w, const Tensor& b) {
  const int64_t m = x.shape()[0], k = x.shape()[1], n = w.shape()[0];
  const auto xv = to_vector<float>(x), wv = to_vector<float>(w);
  const auto bv = b.defined() ? to_vector<float>(b) : std::vector<float>();
  std::vector<float> y(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float c = 0;
      for (int64_t l0 = 0; l0 < k; l0 += kernels::cpu::kSgemmKc) {
        float acc = 0;
        for (int64_t l = l0; l < std::min(k, l0 + kernels::cpu::kSgemmKc); ++l)
          acc = std::fma(xv[i * k + l], wv[j * k + l], acc);
        c = l0 == 0 ? acc : c + acc;
      }
      y[i * n + j] = b.defined() ? c + bv[j] : c;
    }
  return tensor<float>(y, {m, n});
}

void expect_reference(int64_t m, int64_t k, int64_t n, uint64_t seed) {
  const Tensor x = rnd({m, k}, seed), w = rnd({n, k}, seed + 1), b = rnd({n}, seed + 2);
  const Tensor want = reference(x, w, b);
  EXPECT_TRUE(bitwise_equal(prim::linear(x, w, b), want)) << m << "x" << k << "x" << n;
  // Strided operands: x and w laid out transposed, the bias every other element.
  EXPECT_TRUE(bitwise_equal(prim::linear(testing::noncontiguous(x), testing::noncontiguous(w),
                                         testing::noncontiguous(b)),
                            want))
      << m << "x" << k << "x" << n << " strided";
  EXPECT_TRUE(bitwise_equal(prim::linear(x, w, Tensor()), reference(x, w, Tensor())));
  EXPECT_TRUE(allclose(prim::linear(x, w, b), to(prim::matmul(to(x, DType::f64), to(transpose(w, 0, 1), DType::f64)) +
                                                     to(b, DType::f64),
                                                 DType::f32),
                       1e-4, 1e-4));
}

TEST(LinearPrim, F32IsTheInOrderFmaSum) {
  expect_reference(1, 1, 1, 1);
  expect_reference(7, 13, 5, 2);      // odd: partial MR and NR tiles
  expect_reference(1, 40, 33, 3);     // one row
  expect_reference(9, 3, 1, 4);       // one column (row split)
  expect_reference(150, 20, 17, 5);   // more rows than an A block (kSgemmMc)
  expect_reference(6, 600, 16, 6);    // three k blocks
  expect_reference(64, 100, 256, 7);  // the MLP GAN's first layer (parallel split over columns)
}

TEST(LinearPrim, F32ZeroInnerSizeGivesTheBias) {
  const Tensor b = rnd({3}, 8);
  EXPECT_TRUE(bitwise_equal(prim::linear(zeros({2, 0}), zeros({3, 0}), b), expand(b, {2, 3})));
}

TEST(LinearPrim, BatchDimsAndVectors) {
  const Tensor x = rnd({2, 3, 8}, 9), w = rnd({5, 8}, 10), b = rnd({5}, 11);
  const Tensor y = prim::linear(x, w, b);
  EXPECT_EQ(y.shape(), (Shape{2, 3, 5}));
  EXPECT_TRUE(bitwise_equal(y, reshape(reference(reshape(x, {6, 8}), w, b), {2, 3, 5})));
  // A non-mergeable batch view: x permuted in its two leading dims.
  const Tensor xp = permute(rnd({3, 2, 8}, 12), {1, 0, 2});
  EXPECT_TRUE(bitwise_equal(prim::linear(xp, w, b), reshape(reference(reshape(contiguous(xp), {6, 8}), w, b),
                                                            {2, 3, 5})));
  const Tensor v = rnd({8}, 13);
  EXPECT_TRUE(bitwise_equal(prim::linear(v, w, b), reshape(reference(reshape(v, {1, 8}), w, b), {5})));
}

TEST(LinearPrim, SameBitsForAnyThreadCount) {
  const int threads = omp_get_max_threads();
  // Split over columns (256 of them) and, with 3 columns only, over rows.
  for (const auto& [m, k, n] : std::vector<std::array<int64_t, 3>>{{64, 300, 256}, {1500, 700, 3}}) {
    const Tensor x = rnd({m, k}, 14), w = rnd({n, k}, 15), b = rnd({n}, 16);
    std::vector<Tensor> ys;
    for (int t : {1, 2, 3}) {
      omp_set_num_threads(t);
      ys.push_back(prim::linear(x, w, b));
    }
    omp_set_num_threads(threads);
    EXPECT_TRUE(bitwise_equal(ys[0], ys[1]));
    EXPECT_TRUE(bitwise_equal(ys[0], ys[2]));
    EXPECT_TRUE(bitwise_equal(ys[0], reference(x, w, b)));
  }
}

TEST(LinearPrim, F64IsMatmulPlusBias) {
  const Tensor x = rnd({5, 7}, 17, DType::f64), w = rnd({3, 7}, 18, DType::f64), b = rnd({3}, 19, DType::f64);
  Tensor want = prim::matmul(x, prim::transpose(w, 0, 1));
  prim::binary_(prim::Binary::add, want, b);
  EXPECT_TRUE(bitwise_equal(prim::linear(x, w, b), want));
  EXPECT_TRUE(bitwise_equal(prim::linear(testing::noncontiguous(x), w, b), want));
}

TEST(LinearPrim, BadInputNamesTheOp) {
  const Tensor x = rnd({2, 4}, 20);
  EXPECT_TRUE(testing::throws_message<std::invalid_argument>([&] { prim::linear(x, rnd({3, 5}, 21), Tensor()); },
                                                             "inner size", {"linear", "[..., 5]"}));
  EXPECT_TRUE(testing::throws_message<std::invalid_argument>([&] { prim::linear(x, rnd({4}, 22), Tensor()); },
                                                             "1-D weight", {"linear", "2-D weight"}));
  EXPECT_TRUE(testing::throws_message<std::invalid_argument>(
      [&] { prim::linear(x, rnd({3, 4}, 23), rnd({2}, 24)); }, "bias", {"linear", "bias [3]"}));
  EXPECT_TRUE(testing::throws_message<std::invalid_argument>(
      [&] { prim::linear(x, rnd({3, 4}, 25, DType::f64), Tensor()); }, "dtypes", {"linear"}));
}

}  // namespace
}  // namespace nabla
