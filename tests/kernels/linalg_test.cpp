// kernels::cpu::matmul on raw buffers, for the output layouts the front-end
// never makes (column-major and strided outputs).
#include "kernels/linalg.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/testing.h"

namespace nabla::kernels {
namespace {

using nabla::testing::make_view2;

// a = [[1, 2, 3], [4, 5, 6]], b = [[1, 0], [0, 1], [1, 1]]: a b = [[4, 5], [10, 11]].
void check_layout(int64_t rs, int64_t cs, int64_t buffer) {
  std::vector<double> a = {1, 2, 3, 4, 5, 6}, b = {1, 0, 0, 1, 1, 1}, out(buffer, -1.0);
  cpu::matmul<double>(make_view2(out.data(), 2, 2, rs, cs), make_view2<double>(a.data(), 2, 3, 3, 1).as_const(),
                      make_view2<double>(b.data(), 3, 2, 2, 1).as_const());
  EXPECT_EQ(out[0], 4);
  EXPECT_EQ(out[cs], 5);
  EXPECT_EQ(out[rs], 10);
  EXPECT_EQ(out[rs + cs], 11);
}

TEST(LinalgKernel, RowMajorOutput) { check_layout(2, 1, 4); }
TEST(LinalgKernel, ColumnMajorOutput) { check_layout(1, 2, 4); }
TEST(LinalgKernel, StridedOutput) { check_layout(6, 2, 12); }

TEST(LinalgKernel, ColumnMajorOperandsUsedInPlace) {
  // a^T stored row-major is a column-major a.
  std::vector<float> at = {1, 4, 2, 5, 3, 6}, b = {1, 0, 0, 1, 1, 1}, out(4);
  cpu::matmul<float>(make_view2(out.data(), 2, 2, 2, 1), make_view2<float>(at.data(), 2, 3, 1, 2).as_const(),
                     make_view2<float>(b.data(), 3, 2, 2, 1).as_const());
  EXPECT_EQ(out, (std::vector<float>{4, 5, 10, 11}));
}

// Above the small-product size, so Eigen's GEMM kernel runs: a column-major a
// and a row-major b into row-major, column-major and strided outputs.
TEST(LinalgKernel, GemmPathForEveryOutputLayout) {
  const int64_t m = 9, k = 10, n = 11;
  std::vector<double> a(m * k), b(k * n), want(m * n, 0.0);
  for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(1.0 + i);
  for (size_t i = 0; i < b.size(); ++i) b[i] = std::cos(2.0 + i);
  for (int64_t i = 0; i < m; ++i)  // a(i, l) = a[l * m + i]: column-major
    for (int64_t j = 0; j < n; ++j)
      for (int64_t l = 0; l < k; ++l) want[i * n + j] += a[l * m + i] * b[l * n + j];
  const int64_t layouts[][3] = {{n, 1, m * n}, {1, m, m * n}, {2 * n, 2, 4 * m * n}};  // rs, cs, buffer
  for (const auto& [rs, cs, size] : layouts) {
    std::vector<double> out(size, 0.0);
    cpu::matmul<double>(make_view2(out.data(), m, n, rs, cs), make_view2<double>(a.data(), m, k, 1, m).as_const(),
                        make_view2<double>(b.data(), k, n, n, 1).as_const());
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) EXPECT_NEAR(out[i * rs + j * cs], want[i * n + j], 1e-12);
  }
}

}  // namespace
}  // namespace nabla::kernels
