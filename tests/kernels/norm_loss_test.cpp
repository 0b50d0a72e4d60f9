// The norm and loss kernels driven directly on raw buffers.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/loss.h"
#include "kernels/norm.h"
#include "tests/testing.h"

namespace nabla::kernels {
namespace {

using nabla::testing::make_view;

TEST(NormKernel, RowsOfARawBufferAreNormalised) {
  // Two rows of 4; normalise each row (layer norm without affine).
  std::vector<float> x = {1, 2, 3, 4, -1, -1, 3, 3}, out(8), mean(2), rstd(2), var(2);
  cpu::norm_forward<float>(make_view(out.data(), {2, 4}, {4, 1}), make_view(mean.data(), {2}, {1}),
                           make_view(rstd.data(), {2}, {1}), make_view(var.data(), {2}, {1}),
                           make_view<const float>(x.data(), {2, 4}, {4, 1}), {}, {}, 0.0);
  EXPECT_FLOAT_EQ(mean[0], 2.5f);
  EXPECT_FLOAT_EQ(var[0], 1.25f);
  EXPECT_FLOAT_EQ(mean[1], 1.0f);
  EXPECT_FLOAT_EQ(var[1], 4.0f);
  EXPECT_FLOAT_EQ(rstd[1], 0.5f);
  EXPECT_FLOAT_EQ(out[4], -1.0f);
  EXPECT_FLOAT_EQ(out[7], 1.0f);
}

TEST(NormKernel, ColumnsOfARawBufferViaStrides) {
  // The same buffer [2, 4] normalised per column (batch norm over dim 0):
  // the group dim is the column, with stride 1; the reduced dim has stride 4.
  std::vector<double> x = {1, 2, 3, 4, 3, 4, 1, 0}, out(8), mean(4), rstd(4);
  std::vector<double> w = {2}, b = {1};  // broadcast scalars via stride 0
  cpu::norm_forward<double>(make_view(out.data(), {4, 2}, {1, 4}), make_view(mean.data(), {4}, {1}),
                            make_view(rstd.data(), {4}, {1}), View<double>{},
                            make_view<const double>(x.data(), {4, 2}, {1, 4}),
                            make_view<const double>(w.data(), {4, 2}, {0, 0}),
                            make_view<const double>(b.data(), {4, 2}, {0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(mean[0], 2.0);
  EXPECT_DOUBLE_EQ(out[0], -1.0);  // (1 - 2) / 1 * 2 + 1
  EXPECT_DOUBLE_EQ(out[4], 3.0);
  EXPECT_DOUBLE_EQ(mean[1], 3.0);
  EXPECT_DOUBLE_EQ(out[5], 3.0);  // (4 - 3) / 1 * 2 + 1
}

TEST(LossKernel, CrossEntropyRowsAndTargetCheck) {
  std::vector<float> logits = {0, 0, 0, 0, 100, -100}, loss(2), lse(2);
  std::vector<int64_t> target = {2, 2};
  cpu::cross_entropy<float>(make_view(loss.data(), {2}, {1}), make_view(lse.data(), {2}, {1}),
                            make_view<const float>(logits.data(), {2, 3}, {3, 1}),
                            make_view<const int64_t>(target.data(), {2}, {1}), 0.0);
  EXPECT_NEAR(loss[0], std::log(3.0), 1e-6);
  EXPECT_NEAR(loss[1], 200.0, 1e-3);
  EXPECT_NEAR(lse[1], 100.0, 1e-3);
  std::vector<int64_t> bad = {0, 3, 1};
  EXPECT_EQ(cpu::first_invalid_target(make_view<const int64_t>(bad.data(), {3}, {1}), 3), 1);
  EXPECT_EQ(cpu::first_invalid_target(make_view<const int64_t>(target.data(), {2}, {1}), 3), -1);
}

}  // namespace
}  // namespace nabla::kernels
