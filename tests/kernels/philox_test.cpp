#include "kernels/philox.h"

#include <gtest/gtest.h>

namespace nabla::kernels {
namespace {

uint64_t pack(uint32_t lo, uint32_t hi) { return (static_cast<uint64_t>(hi) << 32) | lo; }

void expect_block(Philox4 got, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  EXPECT_EQ(got.w[0], a);
  EXPECT_EQ(got.w[1], b);
  EXPECT_EQ(got.w[2], c);
  EXPECT_EQ(got.w[3], d);
}

// Random123's published known-answer vectors for Philox4x32-10.
TEST(Philox, KnownAnswerVectors) {
  expect_block(philox4x32_10(0, 0, 0), 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8);
  expect_block(philox4x32_10(~0ull, ~0ull, ~0ull), 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd);
  expect_block(philox4x32_10(pack(0x243f6a88, 0x85a308d3), pack(0x13198a2e, 0x03707344),
                             pack(0xa4093822, 0x299f31d0)),
               0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1);
}

TEST(Philox, UniformsStayInHalfOpenUnitInterval) {
  EXPECT_EQ(uniform_f32(0), 0.0f);
  EXPECT_LT(uniform_f32(0xffffffffu), 1.0f);
  EXPECT_EQ(uniform_f64(0, 0), 0.0);
  EXPECT_LT(uniform_f64(0xffffffffu, 0xffffffffu), 1.0);
}

}  // namespace
}  // namespace nabla::kernels
