// The CUDA float GEMM's tile choice (kernels/cuda/gemm.h, a host function:
// tested here without a GPU). tests/cuda/matmul_test.cpp runs both tiles.
#include "kernels/cuda/gemm.h"

#include <gtest/gtest.h>

namespace nabla::kernels::cuda::gemm {
namespace {

constexpr int kH100Sms = 132;

TEST(GemmTile, BlocksCountEveryPartialTileAndTheCappedBatch) {
  EXPECT_EQ(blocks(64, 784, 1, 128, 128), 7);
  EXPECT_EQ(blocks(64, 784, 1, 64, 64), 13);
  EXPECT_EQ(blocks(129, 129, 3, 128, 128), 12);
  EXPECT_EQ(blocks(1, 1, 100000, 128, 128), 65535);  // gridDim.z stops at 65535
  EXPECT_EQ(blocks(0, 5, 1, 64, 64), 0);
}

TEST(GemmTile, SmallProductsTakeTheSmallTile) {
  EXPECT_EQ(sgemm_tile(64, 784, 1, kH100Sms), 64);    // 7 blocks of 128
  EXPECT_EQ(sgemm_tile(256, 784, 1, kH100Sms), 64);   // 14
  EXPECT_EQ(sgemm_tile(1024, 1024, 1, kH100Sms), 64); // 64
  EXPECT_EQ(sgemm_tile(1, 1, 1, kH100Sms), 64);
}

TEST(GemmTile, ProductsFillingTheSmsKeepTheLargeTile) {
  EXPECT_EQ(sgemm_tile(1536, 1536, 1, kH100Sms), 128);  // 144 blocks
  EXPECT_EQ(sgemm_tile(128 * 66, 256, 1, kH100Sms), 128);  // 132: exactly one per SM
  EXPECT_EQ(sgemm_tile(128 * 66 - 1, 256, 1, kH100Sms), 128);
  EXPECT_EQ(sgemm_tile(128 * 65, 256, 1, kH100Sms), 64);   // 130 < 132
  EXPECT_EQ(sgemm_tile(100, 100, 132, kH100Sms), 128);     // a batch of 132
  EXPECT_EQ(sgemm_tile(64, 784, 1, 4), 128);               // a small GPU
}

}  // namespace
}  // namespace nabla::kernels::cuda::gemm
