// prim::eigh: known spectra, reconstruction a = V diag(w) V^T, orthonormal V.
#include "core/eigh.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/factory.h"
#include "core/linalg.h"
#include "core/random.h"
#include "core/views.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;

// v diag(w) v^T for one [n, n] matrix, in double.
std::vector<double> reconstruct(const std::vector<double>& w, const std::vector<double>& v, int64_t n) {
  std::vector<double> out(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      for (int64_t k = 0; k < n; ++k) out[i * n + j] += v[i * n + k] * w[k] * v[j * n + k];
  return out;
}

// A random symmetric batch [b, n, n]: x x^T - 2 I (indefinite, distinct eigenvalues).
Tensor random_symmetric(int64_t b, int64_t n, DType dtype, uint64_t seed) {
  Generator gen(seed);
  const Tensor x = randn({b, n, n}, dtype, &gen);
  const auto m = to_vector<double>(prim::matmul(x, prim::transpose(x, 1, 2)));
  std::vector<double> out(m);
  for (int64_t k = 0; k < b; ++k)
    for (int64_t i = 0; i < n; ++i) out[(k * n + i) * n + i] -= 2;
  return tensor<double>(out, {b, n, n}, dtype);
}

TEST(Eigh, DiagonalMatrixGivesSortedDiagonal) {
  const Tensor a = tensor<double>({3, 0, 0, 0, -1, 0, 0, 0, 2}, {3, 3});
  const auto [w, v] = prim::eigh(a);
  EXPECT_TRUE(allclose(w, tensor<double>({-1, 2, 3}), 1e-12, 1e-12));
  // Each eigenvector is a signed unit vector.
  const auto vv = to_vector<double>(v);
  EXPECT_NEAR(std::abs(vv[1 * 3 + 0]), 1.0, 1e-12);
  EXPECT_NEAR(std::abs(vv[2 * 3 + 1]), 1.0, 1e-12);
  EXPECT_NEAR(std::abs(vv[0 * 3 + 2]), 1.0, 1e-12);
}

TEST(Eigh, TwoByTwoClosedForm) {
  // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
  const auto [w, v] = prim::eigh(tensor<float>({2, 1, 1, 2}, {2, 2}));
  EXPECT_TRUE(allclose(w, tensor<float>({1, 3}), 1e-6, 1e-6));
}

void check_batch(DType dtype, bool strided, double tol) {
  const int64_t b = 3, n = 5;
  Tensor a = random_symmetric(b, n, dtype, 11);
  if (strided) a = noncontiguous(a);
  const auto [w, v] = prim::eigh(a);
  ASSERT_EQ(w.shape(), (Shape{b, n}));
  ASSERT_EQ(v.shape(), (Shape{b, n, n}));
  const auto av = to_vector<double>(a), wv = to_vector<double>(w), vv = to_vector<double>(v);
  for (int64_t k = 0; k < b; ++k) {
    const std::vector<double> wk(wv.begin() + k * n, wv.begin() + (k + 1) * n);
    const std::vector<double> vk(vv.begin() + k * n * n, vv.begin() + (k + 1) * n * n);
    for (int64_t i = 1; i < n; ++i) EXPECT_LE(wk[i - 1], wk[i]);
    const auto r = reconstruct(wk, vk, n);
    for (int64_t i = 0; i < n * n; ++i) EXPECT_NEAR(r[i], av[k * n * n + i], tol) << "batch " << k << " entry " << i;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double dot = 0;
        for (int64_t l = 0; l < n; ++l) dot += vk[l * n + i] * vk[l * n + j];
        EXPECT_NEAR(dot, i == j ? 1.0 : 0.0, tol);
      }
  }
}

TEST(Eigh, ReconstructsBatchF64) { check_batch(DType::f64, false, 1e-10); }
TEST(Eigh, ReconstructsBatchF32) { check_batch(DType::f32, false, 1e-4); }
TEST(Eigh, ReconstructsNoncontiguous) { check_batch(DType::f64, true, 1e-10); }

TEST(Eigh, RejectsNonSquareAndIntegers) {
  try {
    prim::eigh(zeros({2, 3}, DType::f64));
    FAIL() << "expected a throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("eigh"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("square"), std::string::npos) << e.what();
  }
  EXPECT_THROW(prim::eigh(zeros({2, 2}, DType::i64)), std::invalid_argument);
  EXPECT_THROW(prim::eigh(zeros({4}, DType::f64)), std::invalid_argument);
}

}  // namespace
}  // namespace nabla
