// The packed f32 GEMM (kernels/cpu/sgemm.h) against a double-precision loop:
// edge tiles (m, n not multiples of the 6 x 16 tile), several K blocks,
// several M blocks, every combination of row- and column-major A and B, and
// accumulation into C.
#include "kernels/cpu/sgemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace nabla::kernels::cpu {
namespace {

struct Operand {
  std::vector<float> data;
  int64_t rs, cs;  // element (i, j) at data[i rs + j cs]
};

Operand random_operand(int64_t rows, int64_t cols, bool row_major, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  Operand o{std::vector<float>(static_cast<size_t>(rows * cols)), row_major ? cols : 1, row_major ? 1 : rows};
  for (float& v : o.data) v = u(rng);
  return o;
}

// Largest |got - want| relative to sum_l |a b| for the product, over all of C.
double worst_error(int64_t m, int64_t n, int64_t k, bool a_row, bool b_row, bool accumulate) {
  std::mt19937 rng(static_cast<unsigned>(m * 131 + n * 17 + k));
  const Operand a = random_operand(m, k, a_row, rng), b = random_operand(k, n, b_row, rng);
  const int64_t ldc = n + 3;  // a leading dimension past the row
  std::vector<float> c(static_cast<size_t>(m * ldc), 0.5f);
  sgemm(m, n, k, a.data.data(), a.rs, a.cs, b.data.data(), b.rs, b.cs, c.data(), ldc, accumulate);
  double worst = 0;
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double want = accumulate ? 0.5 : 0.0, scale = 1.0;
      for (int64_t l = 0; l < k; ++l) {
        const double p = double(a.data[i * a.rs + l * a.cs]) * double(b.data[l * b.rs + j * b.cs]);
        want += p, scale += std::abs(p);
      }
      worst = std::max(worst, std::abs(c[i * ldc + j] - want) / scale);
    }
    for (int64_t j = n; j < ldc; ++j) EXPECT_EQ(c[i * ldc + j], 0.5f) << "wrote past the row";
  }
  return worst;
}

TEST(Sgemm, MatchesDoubleLoopOnEdgeAndBlockSizes) {
  const int64_t sizes[][3] = {{1, 1, 1}, {5, 15, 3}, {6, 16, 7}, {7, 17, 300}, {13, 33, 513}, {150, 20, 9}, {2, 3100, 2}};
  for (const auto& s : sizes)
    for (bool a_row : {true, false})
      for (bool b_row : {true, false})
        for (bool acc : {false, true})
          EXPECT_LT(worst_error(s[0], s[1], s[2], a_row, b_row, acc), 1e-6)
              << s[0] << "x" << s[1] << "x" << s[2] << " a_row " << a_row << " b_row " << b_row << " acc " << acc;
}

TEST(Sgemm, EmptyInnerDimensionZeroesOrKeepsC) {
  std::vector<float> c(6, 2.0f);
  sgemm(2, 3, 0, nullptr, 0, 1, nullptr, 3, 1, c.data(), 3, true);
  EXPECT_EQ(c, std::vector<float>(6, 2.0f));
  sgemm(2, 3, 0, nullptr, 0, 1, nullptr, 3, 1, c.data(), 3, false);
  EXPECT_EQ(c, std::vector<float>(6, 0.0f));
}

// The rows of C do not depend on which other rows are computed with them
// (callers split m and n across threads).
TEST(Sgemm, ASubBlockGivesTheSameBits) {
  std::mt19937 rng(7);
  const int64_t m = 20, n = 40, k = 600;
  const Operand a = random_operand(m, k, true, rng), b = random_operand(k, n, true, rng);
  std::vector<float> whole(m * n), part(m * n);
  sgemm(m, n, k, a.data.data(), k, 1, b.data.data(), n, 1, whole.data(), n, false);
  sgemm(m - 7, n - 5, k, a.data.data() + 7 * k, k, 1, b.data.data() + 5, n, 1, part.data() + 7 * n + 5, n, false);
  for (int64_t i = 7; i < m; ++i)
    for (int64_t j = 5; j < n; ++j) EXPECT_EQ(whole[i * n + j], part[i * n + j]) << i << " " << j;
}

}  // namespace
}  // namespace nabla::kernels::cpu
