// The reduction, scan and softmax kernels driven directly on raw buffers,
// including views the front-ends never build (negative strides).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/reduce.h"
#include "kernels/scan.h"
#include "kernels/softmax.h"
#include "tests/testing.h"

namespace nabla::kernels {
namespace {

using nabla::testing::make_view;

// buf[r][c] = r * 10 + c for 3 x 4; reduce over rows read backwards.
TEST(ReduceKernel, NegativeStrides) {
  std::vector<double> buf(12);
  for (int i = 0; i < 12; ++i) buf[i] = (i / 4) * 10 + i % 4;
  // kept: columns (stride 1), reduced: rows from the last (stride -4).
  const View<const double> in = make_view<const double>(buf.data() + 8, {4, 3}, {1, -4});
  double out[4];
  cpu::reduce<double>(Reduce::sum, make_view(out, {4}, {1}), in);
  for (int c = 0; c < 4; ++c) EXPECT_EQ(out[c], 30 + 3 * c);
  int64_t index[4];
  cpu::arg_reduce<double>(Reduce::max, make_view(index, {4}, {1}), make_view(out, {4}, {1}), in);
  for (int c = 0; c < 4; ++c) {
    EXPECT_EQ(out[c], 20 + c);
    EXPECT_EQ(index[c], 0);  // row 2 comes first when read backwards
  }
  // kept: rows read backwards, reduced: columns read backwards.
  const View<const double> rev = make_view<const double>(buf.data() + 11, {3, 4}, {-4, -1});
  cpu::arg_reduce<double>(Reduce::min, make_view(index, {3}, {1}), make_view(out, {3}, {1}), rev);
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(out[r], (2 - r) * 10);
    EXPECT_EQ(index[r], 3);
  }
}

TEST(ReduceKernel, StridedOutputs) {
  std::vector<float> buf = {1, 2, 3, 4, 5, 6};
  float out[4] = {-1, -1, -1, -1};
  cpu::reduce<float>(Reduce::max, make_view(out, {2}, {2}), make_view<const float>(buf.data(), {2, 3}, {3, 1}));
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[1], -1);  // untouched between strided outputs
  EXPECT_EQ(out[2], 6);
}

TEST(ScanKernel, ReverseAndNegativeStride) {
  std::vector<int64_t> x = {1, 2, 3, 4};
  int64_t y[4];
  cpu::cumsum<int64_t>(make_view(y, {4}, {1}), make_view<const int64_t>(x.data() + 3, {4}, {-1}), false);
  EXPECT_EQ(y[0], 4);
  EXPECT_EQ(y[3], 10);
  cpu::cumsum<int64_t>(make_view(y, {4}, {1}), make_view<const int64_t>(x.data(), {4}, {1}), true);
  EXPECT_EQ(y[0], 10);
  EXPECT_EQ(y[2], 7);
}

TEST(SoftmaxKernel, RowsSideBySide) {
  // Softmax over dim 0 of a 2 x 40 buffer: 40 rows of 2, rows adjacent.
  std::vector<double> x(80), y(80);
  for (int i = 0; i < 80; ++i) x[i] = 0.1 * i;
  cpu::softmax<double>(make_view(y.data(), {40, 2}, {1, 40}), make_view<const double>(x.data(), {40, 2}, {1, 40}),
                       false);
  const double p = 1 / (1 + std::exp(4.0));  // x[0][c] - x[1][c] = -4
  for (int c = 0; c < 40; ++c) {
    EXPECT_NEAR(y[c], p, 1e-15);
    EXPECT_NEAR(y[40 + c], 1 - p, 1e-15);
  }
}

}  // namespace
}  // namespace nabla::kernels
