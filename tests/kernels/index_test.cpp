// Index kernels driven directly on raw buffers (no Tensor).
#include "kernels/index.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/testing.h"

namespace nabla::kernels {
namespace {

using nabla::testing::make_view2;

TEST(IndexKernels, GatherReadsAlongDimThroughStrides) {
  // x = [[0, 1, 2], [3, 4, 5]] stored column-major.
  const double x[] = {0, 3, 1, 4, 2, 5};
  const int64_t idx[] = {2, 0, 1, 1};
  double out[4] = {};
  cpu::gather<double>(make_view2(out, 2, 2, 2, 1), make_view2(x, 2, 3, 1, 2), 1, make_view2(idx, 2, 2, 2, 1));
  EXPECT_EQ(std::vector<double>(out, out + 4), (std::vector<double>{2, 0, 4, 4}));
}

TEST(IndexKernels, ScatterAddAccumulatesInOrder) {
  // Index broadcast along dim 1 (stride 0): index_add of rows.
  const int64_t idx[] = {1, 0, 1};
  const float src[] = {1, 2, 3, 4, 5, 6};
  float out[4] = {10, 10, 10, 10};
  cpu::scatter_add<float>(make_view2(out, 2, 2, 2, 1), 0, make_view2(idx, 3, 2, 1, 0), make_view2(src, 3, 2, 2, 1));
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{13, 14, 16, 18}));
}

TEST(IndexKernels, FlipOneHotAndRangeCheck) {
  const int64_t in[] = {1, 2, 3, 4, 5, 6};
  int64_t out[6] = {};
  cpu::flip<int64_t>(make_view2(out, 2, 3, 3, 1), make_view2(in, 2, 3, 3, 1), 0b10);
  EXPECT_EQ(std::vector<int64_t>(out, out + 6), (std::vector<int64_t>{3, 2, 1, 6, 5, 4}));

  const int64_t labels[] = {2, 0};
  uint8_t hot[6] = {};
  View<const int64_t> lv;
  lv.data = labels, lv.ndim = 1, lv.size[0] = 2, lv.stride[0] = 1;
  cpu::one_hot<uint8_t>(make_view2(hot, 2, 3, 3, 1), lv);
  EXPECT_EQ(std::vector<uint8_t>(hot, hot + 6), (std::vector<uint8_t>{0, 0, 1, 1, 0, 0}));

  int64_t bad = 0;
  EXPECT_FALSE(cpu::find_out_of_range(lv, 3, &bad));
  EXPECT_TRUE(cpu::find_out_of_range(lv, 2, &bad));
  EXPECT_EQ(bad, 2);
}

}  // namespace
}  // namespace nabla::kernels
