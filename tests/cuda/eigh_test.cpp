// CUDA eigh (Jacobi, kernels/cuda/eigh.cu) against the CPU (Eigen): the
// eigenvalues elementwise, the eigenvectors through V^T V = I and
// V diag(w) V^T = A (raw vectors differ in sign, and within a repeated
// eigenvalue in basis). Both solve in double: f64 compares at 1e-10 of the
// matrix scale, f32 at the rounding of its inputs and outputs, 1e-5.
#include <gtest/gtest.h>

#include "core/eigh.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

double tol_of(DType t) { return t == DType::f32 ? 1e-5 : 1e-10; }

// The symmetric matrices whose lower triangles are a's (what eigh reads).
Tensor symmetric_from_lower(const Tensor& a) {
  const int64_t n = a.size(-1);
  std::vector<double> x = to_vector<double>(a);
  for (size_t m = 0; m < x.size(); m += n * n)
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = i + 1; j < n; ++j) x[m + i * n + j] = x[m + j * n + i];
  return to(tensor<double>(x, a.shape()), a.dtype());
}

// values and vectors (from CUDA) of a: sorted like the CPU's, orthonormal, reconstructing a.
void expect_eigh(const Tensor& a, const std::string& what) {
  const double tol = tol_of(a.dtype());
  const auto [w, v] = prim::eigh(a);
  const auto [w_cuda, v_cuda] = prim::eigh(to_cuda(a));
  ASSERT_TRUE(w_cuda.device().is_cuda()) << what;
  const Tensor values = to_cpu(w_cuda), vectors = to_cpu(v_cuda);
  const double scale = 1 + max(abs(a)).item();
  EXPECT_TRUE(allclose(values, w, 0, tol * scale)) << what << " eigenvalues";
  const int64_t n = a.size(-1);
  const Tensor identity = expand(eye(n, a.dtype()), vectors.shape());
  EXPECT_TRUE(allclose(matmul(transpose(vectors, -1, -2), vectors), identity, 0, tol)) << what << " V^T V";
  const Tensor rec = matmul(vectors * unsqueeze(values, -2), transpose(vectors, -1, -2));
  EXPECT_TRUE(allclose(rec, symmetric_from_lower(a), 0, tol * scale)) << what << " V diag V^T";
}

Tensor symmetric(const Shape& shape, DType t, uint64_t seed) {
  const Tensor x = sample(shape, t, seed);
  return (x + transpose(x, -1, -2)) * 0.5;
}

TEST(CudaEigh, RandomSymmetricMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    expect_eigh(symmetric({2, 2}, t, 1), "2x2");
    expect_eigh(symmetric({7, 7}, t, 2), "7x7 (odd: a dummy index)");
    expect_eigh(symmetric({3, 2, 16, 16}, t, 3), "batch [3, 2] of 16x16");
    expect_eigh(symmetric({64, 64}, t, 4), "64x64");
    expect_eigh(sample({5, 5}, t, 5), "non-symmetric: the lower triangle is read");
  }
}

TEST(CudaEigh, OneByOneDiagonalAndZero) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    expect_eigh(sample({4, 1, 1}, t, 6), "batch of 1x1");
    expect_eigh(eye(6, t) * sample({6}, t, 7), "diagonal");
    expect_eigh(zeros({3, 3}, t), "zero matrix");
  }
}

TEST(CudaEigh, RepeatedEigenvalues) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    // Q diag(1, 1, 1, 4, 4, -2) Q^T with Q a random orthogonal matrix (the CPU's eigenvectors).
    const Tensor q = prim::eigh(symmetric({6, 6}, DType::f64, 8)).second;
    const Tensor d = tensor<double>({1, 1, 1, 4, 4, -2});
    const Tensor a = to(matmul(q * unsqueeze(d, 0), transpose(q, 0, 1)), t);
    expect_eigh(a, "eigenvalues 1 (x3), 4 (x2), -2");
    expect_eigh(eye(5, t) * 3.0, "3 I");
  }
}

TEST(CudaEigh, StridedInputAndEmpty) {
  NABLA_REQUIRE_CUDA();
  expect_eigh(noncontiguous(sample({2, 9, 9}, DType::f64, 9)), "column-major matrices");
  expect_eigh(prim::slice(symmetric({4, 9, 9}, DType::f64, 9), 0, 0, 4, 2), "every other matrix of a batch");
  const auto [w, v] = prim::eigh(to_cuda(zeros({0, 3, 3}, DType::f32)));
  EXPECT_EQ(w.shape(), (Shape{0, 3}));
  EXPECT_EQ(v.shape(), (Shape{0, 3, 3}));
}

TEST(CudaEigh, IsDeterministic) {
  NABLA_REQUIRE_CUDA();
  const Tensor a = to_cuda(symmetric({4, 12, 12}, DType::f32, 10));
  const auto [w1, v1] = prim::eigh(a);
  const auto [w2, v2] = prim::eigh(a);
  EXPECT_TRUE(bitwise_equal(to_cpu(w1), to_cpu(w2)));
  EXPECT_TRUE(bitwise_equal(to_cpu(v1), to_cpu(v2)));
}

}  // namespace
}  // namespace nabla::testing
