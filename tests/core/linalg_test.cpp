// prim::matmul / bmm / outer against triple loops in double.
#include "core/linalg.h"

#include <omp.h>

#include <string>
#include <vector>

#include "core/shape.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;

// torch.matmul by definition: lift vectors, broadcast the batch, loop.
Tensor naive_matmul(const Tensor& a, const Tensor& b) {
  const Tensor a2 = a.dim() == 1 ? prim::unsqueeze(a, 0) : a;
  const Tensor b2 = b.dim() == 1 ? prim::unsqueeze(b, 1) : b;
  const int64_t m = a2.shape()[a2.dim() - 2], k = a2.shape().back(), n = b2.shape().back();
  Shape batch = broadcast_shapes(Shape(a2.shape().begin(), a2.shape().end() - 2),
                                 Shape(b2.shape().begin(), b2.shape().end() - 2), "test");
  Shape sa = batch, sb = batch;
  sa.insert(sa.end(), {m, k});
  sb.insert(sb.end(), {k, n});
  const auto av = to_vector<double>(prim::expand(a2, sa));
  const auto bv = to_vector<double>(prim::expand(b2, sb));
  const int64_t nb = numel(batch);
  std::vector<double> out(nb * m * n, 0.0);
  for (int64_t p = 0; p < nb; ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t l = 0; l < k; ++l) s += av[(p * m + i) * k + l] * bv[(p * k + l) * n + j];
        out[(p * m + i) * n + j] = s;
      }
  Shape shape = batch;
  if (a.dim() > 1) shape.push_back(m);
  if (b.dim() > 1) shape.push_back(n);
  Tensor t = shape.empty() ? scalar(out[0], DType::f64) : tensor<double>(out, shape);
  return prim::to(t, a.dtype());
}

struct Case {
  Shape a, b;
};

const std::vector<Case> kCases = {
    {{3}, {3}},           {{1}, {1}},              {{2, 3}, {3, 4}},      {{1, 1}, {1, 1}},
    {{5}, {5, 3}},        {{4, 5}, {5}},           {{7, 1}, {1, 9}},      {{3, 5, 7}, {7, 2}},
    {{2, 1, 3, 4}, {5, 4, 6}}, {{4}, {2, 4, 3}},   {{2, 3, 4}, {4}},      {{1, 3, 4}, {6, 4, 2}},
    {{2, 3, 0}, {0, 4}},  {{0, 3}, {3, 2}},        {{17, 33}, {33, 65}},  {{8, 32, 32}, {8, 32, 32}},
    {{3, 1, 5}, {5, 1}},  {{96, 130}, {130, 70}},  {{130, 7}, {7, 260}},  {{2, 129, 3}, {2, 3, 131}},
    {{2, 129, 3}, {3, 131}},  // output tiles of 128: full and partial tiles in both dims
};

class MatmulCases : public ::testing::TestWithParam<DType> {};

TEST_P(MatmulCases, MatchesTripleLoopContiguousAndStrided) {
  const DType dt = GetParam();
  const double rtol = dt == DType::f32 ? 1e-4 : 1e-10, atol = dt == DType::f32 ? 1e-4 : 1e-10;
  Generator gen(7);
  for (const Case& c : kCases) {
    const Tensor a = randn(c.a, dt, &gen), b = randn(c.b, dt, &gen);
    const Tensor want = naive_matmul(a, b);
    SCOPED_TRACE(describe(a) + " @ " + describe(b));
    EXPECT_TRUE(allclose(prim::matmul(a, b), want, rtol, atol));
    EXPECT_TRUE(allclose(prim::matmul(noncontiguous(a), b), want, rtol, atol));
    EXPECT_TRUE(allclose(prim::matmul(a, noncontiguous(b)), want, rtol, atol));
    EXPECT_TRUE(allclose(prim::matmul(noncontiguous(a), noncontiguous(b)), want, rtol, atol));
  }
}

INSTANTIATE_TEST_SUITE_P(Linalg, MatmulCases, ::testing::Values(DType::f32, DType::f64));

// Every other row and column: neither row- nor column-major, so it is packed.
Tensor every_other(const Tensor& x) {
  Shape big = x.shape();
  big[big.size() - 1] *= 2;
  big[big.size() - 2] *= 2;
  Tensor buf = zeros(big, Options::like(x));
  Tensor v = prim::slice(prim::slice(buf, -1, 0, big.back(), 2), -2, 0, big[big.size() - 2], 2);
  prim::copy_(v, x);
  return v;
}

TEST(Linalg, MatmulOfStridedAndBroadcastMatrices) {
  Generator gen(3);
  const Tensor a = randn({2, 5, 6}, DType::f64, &gen), b = randn({6, 4}, DType::f64, &gen);
  const Tensor want = naive_matmul(a, b);
  EXPECT_TRUE(allclose(prim::matmul(every_other(a), every_other(b)), want, 1e-10, 1e-10));
  // A row broadcast to every row (row stride 0) and a batch broadcast by expand.
  const Tensor row = randn({1, 6}, DType::f64, &gen);
  const Tensor rows = prim::expand(row, {5, 6});
  EXPECT_TRUE(allclose(prim::matmul(rows, b), naive_matmul(prim::contiguous(rows), b), 1e-10, 1e-10));
  const Tensor bb = prim::expand(b, {2, 6, 4});
  EXPECT_TRUE(allclose(prim::matmul(a, bb), want, 1e-10, 1e-10));
}

TEST(Linalg, SameBitsForAnyThreadCount) {
  // A size at which Eigen's own threaded GEMM would re-block k by thread count.
  Generator gen(11);
  const Tensor a = randn({700, 900}, DType::f32, &gen), b = randn({900, 800}, DType::f32, &gen);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = to_vector<float>(prim::matmul(a, b));
  omp_set_num_threads(2);
  const auto two = to_vector<float>(prim::matmul(a, b));
  omp_set_num_threads(threads);
  EXPECT_TRUE(one == two);
}

TEST(Linalg, DotIsZeroDimensional) {
  const Tensor d = prim::matmul(tensor<float>({1, 2, 3}), tensor<float>({4, 5, 6}));
  EXPECT_EQ(d.dim(), 0);
  EXPECT_DOUBLE_EQ(d.item(), 32.0);
}

TEST(Linalg, HandComputedProduct) {
  const Tensor a = tensor<double>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = tensor<double>({7, 8, 9, 10, 11, 12}, {3, 2});
  EXPECT_TRUE(allclose(prim::matmul(a, b), tensor<double>({58, 64, 139, 154}, {2, 2})));
}

TEST(Linalg, EmptyInnerDimGivesZeros) {
  const Tensor out = prim::matmul(ones({2, 0}), ones({0, 3}));
  EXPECT_TRUE(allclose(out, zeros({2, 3})));
}

TEST(Linalg, BmmMatchesMatmulAndChecksShapes) {
  Generator gen(5);
  const Tensor a = randn({3, 4, 5}, DType::f64, &gen), b = randn({3, 5, 2}, DType::f64, &gen);
  EXPECT_TRUE(allclose(prim::bmm(noncontiguous(a), b), naive_matmul(a, b), 1e-10, 1e-10));
  EXPECT_THROW(prim::bmm(a, randn({5, 2}, DType::f64)), std::invalid_argument);
  EXPECT_THROW(prim::bmm(a, randn({1, 5, 2}, DType::f64)), std::invalid_argument);  // no broadcasting
}

TEST(Linalg, OuterProduct) {
  const Tensor o = prim::outer(tensor<double>({1, 2}), noncontiguous(tensor<double>({3, 4, 5})));
  EXPECT_TRUE(allclose(o, tensor<double>({3, 4, 5, 6, 8, 10}, {2, 3})));
}

TEST(Linalg, ShapeAndDtypeErrorsNameTheOp) {
  EXPECT_THROW_MESSAGE(prim::matmul(zeros({2, 3}), zeros({4, 5})), std::invalid_argument,
                       "matmul: cannot multiply f32[2, 3] by f32[4, 5]: inner sizes 3 and 4 differ");
  EXPECT_THROW_MESSAGE(prim::matmul(zeros({2, 3, 4}), zeros({5, 4, 2})), std::invalid_argument, "do not broadcast");
  EXPECT_THROW_MESSAGE(prim::matmul(scalar(1.0), zeros({2})), std::invalid_argument, "matmul");
  EXPECT_THROW_MESSAGE(prim::matmul(zeros({2, 3}), zeros({3, 2}, DType::f64)), std::invalid_argument, "matmul");
  EXPECT_THROW_MESSAGE(prim::matmul(zeros({2, 3}, DType::i64), zeros({3, 2}, DType::i64)), std::invalid_argument,
                       "matmul");
  EXPECT_THROW_MESSAGE(prim::bmm(zeros({2, 3, 4}), zeros({2, 5, 4})), std::invalid_argument, "bmm: cannot multiply");
  EXPECT_THROW_MESSAGE(prim::outer(zeros({2, 2}), zeros({2})), std::invalid_argument, "outer");
}

}  // namespace
}  // namespace nabla
