// bf16 storage: rounding of the scalar type, the casts, and the ops that
// take bf16 (computed in float, rounded once) against f32/f64 references.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "core/conv.h"
#include "core/copy.h"
#include "core/elementwise.h"
#include "core/factory.h"
#include "core/fused_act.h"
#include "core/linalg.h"
#include "core/linear.h"
#include "core/random.h"
#include "core/reduce.h"
#include "core/views.h"
#include "kernels/bf16.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using kernels::bf16;
using prim::promote_f32;
using prim::round_bf16;

float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint16_t bits_of(float f) { return bf16(f).bits; }

// bf16 keeps 8 significant bits: one rounding is within 2^-9 relative.
constexpr double kRound = 1.0 / 256;

TEST(Bf16Scalar, RoundsToNearestEven) {
  EXPECT_EQ(bits_of(1.0f), 0x3f80);
  EXPECT_EQ(bits_of(-2.5f), 0xc020);
  EXPECT_EQ(bits_of(from_bits(0x3f808000)), 0x3f80);  // halfway, 0x3f80 is even: down
  EXPECT_EQ(bits_of(from_bits(0x3f818000)), 0x3f82);  // halfway, 0x3f81 is odd: up
  EXPECT_EQ(bits_of(from_bits(0x3f808001)), 0x3f81);  // above halfway: up
  EXPECT_EQ(bits_of(from_bits(0x3f807fff)), 0x3f80);  // below halfway: down
  EXPECT_EQ(bits_of(from_bits(0xbf818000)), 0xbf82);  // negative: by magnitude
  EXPECT_EQ(bits_of(-0.0f), 0x8000);
  EXPECT_EQ(bits_of(0.0f), 0x0000);
}

TEST(Bf16Scalar, SubnormalsInfinitiesNaN) {
  EXPECT_EQ(bits_of(from_bits(0x00008000)), 0x0000);  // subnormal tie to even (0)
  EXPECT_EQ(bits_of(from_bits(0x00018000)), 0x0002);  // subnormal tie to even (2)
  EXPECT_EQ(bits_of(from_bits(0x00010001)), 0x0001);
  EXPECT_EQ(bits_of(from_bits(0x807fffff)), 0x8080);  // largest subnormal rounds up to the smallest normal
  EXPECT_EQ(bits_of(std::numeric_limits<float>::infinity()), 0x7f80);
  EXPECT_EQ(bits_of(-std::numeric_limits<float>::infinity()), 0xff80);
  EXPECT_EQ(bits_of(std::numeric_limits<float>::max()), 0x7f80);  // beyond the largest bf16: inf
  EXPECT_EQ(bits_of(from_bits(0x7f7f7fff)), 0x7f7f);               // the largest bf16 stays
  EXPECT_EQ(bits_of(from_bits(0x7fc00000)), 0x7fc0);
  EXPECT_EQ(bits_of(from_bits(0x7f800001)), 0x7fc0);  // a NaN whose payload is all low bits stays NaN
  EXPECT_EQ(bits_of(from_bits(0xffffffff)), 0xffff);
  EXPECT_TRUE(std::isnan(static_cast<float>(bf16(from_bits(0x7f800001)))));
}

TEST(Bf16Scalar, EveryBf16RoundTripsThroughFloat) {
  for (uint32_t b = 0; b < 0x10000; ++b) {
    const float f = bf16::from_bits(static_cast<uint16_t>(b));
    if (std::isnan(f)) continue;
    ASSERT_EQ(bf16(f).bits, b) << std::hex << b;
    ASSERT_EQ(static_cast<uint32_t>(b) << 16, kernels::float_bits(f));
  }
}

TEST(Bf16Cast, TensorCastsRoundAndRoundTrip) {
  const Tensor x = tensor<float>({1.0f, from_bits(0x3f818000), -0.0f, INFINITY, NAN}, {5});
  const Tensor b = prim::to(x, DType::bf16);
  ASSERT_EQ(b.dtype(), DType::bf16);
  const auto* bits = static_cast<const uint16_t*>(b.data_ptr());
  EXPECT_EQ(bits[0], 0x3f80);
  EXPECT_EQ(bits[1], 0x3f82);
  EXPECT_EQ(bits[2], 0x8000);
  EXPECT_EQ(bits[3], 0x7f80);
  EXPECT_EQ(bits[4] & 0x7fc0, 0x7fc0);
  EXPECT_DOUBLE_EQ(prim::slice(b, 0, 1, 2).item(), 1.0 + 1.0 / 64);
  // f32 -> bf16 -> f32 -> bf16 is stable; f64 converts the same way; non-contiguous views too.
  Generator gen(7);
  const Tensor r = randn({5, 3}, {}, &gen);
  const Tensor rb = round_bf16(testing::noncontiguous(r));
  EXPECT_TRUE(testing::bitwise_equal(round_bf16(promote_f32(rb)), rb));
  EXPECT_TRUE(testing::bitwise_equal(round_bf16(prim::to(r, DType::f64)), round_bf16(r)));
  EXPECT_TRUE(testing::allclose(promote_f32(rb), r, kRound, 0));
  EXPECT_THROW(prim::to(rb, DType::i64), std::invalid_argument);
}

TEST(Bf16Cast, FillAndScalar) {
  const Tensor t = full({2, 3}, 0.1, DType::bf16);
  EXPECT_EQ(t.dtype(), DType::bf16);
  EXPECT_FLOAT_EQ(static_cast<float>(prim::slice(prim::view(t, {6}), 0, 0, 1).item()), bf16(0.1f));
  EXPECT_FLOAT_EQ(static_cast<float>(prim::sum(promote_f32(t)).item()), 6 * static_cast<float>(bf16(0.1f)));
}

// op on bf16 == round(op on the float values of the bf16 inputs), bit for bit,
// and close to the f64 op on the unrounded inputs within bf16's tolerance.
TEST(Bf16Ops, ElementwiseComputeInFloatRoundOnce) {
  Generator gen(1);
  for (const Shape& s : {Shape{1}, Shape{7, 5}, Shape{3, 1, 9}}) {
    const Tensor a = randn(s, {}, &gen), b = randn(s, {}, &gen);
    const Tensor ab = round_bf16(a), bb = round_bf16(testing::noncontiguous(b));
    for (auto op : {prim::Unary::tanh, prim::Unary::exp, prim::Unary::relu, prim::Unary::sigmoid}) {
      const Tensor y = prim::unary(op, ab);
      ASSERT_EQ(y.dtype(), DType::bf16);
      EXPECT_TRUE(testing::bitwise_equal(y, round_bf16(prim::unary(op, promote_f32(ab)))));
      EXPECT_TRUE(testing::allclose(promote_f32(y), prim::unary(op, a), 3 * kRound, 1e-6));
    }
    for (auto op : {prim::Binary::add, prim::Binary::mul, prim::Binary::maximum}) {
      const Tensor y = prim::binary(op, ab, bb);
      EXPECT_TRUE(testing::bitwise_equal(y, round_bf16(prim::binary(op, promote_f32(ab), promote_f32(bb)))));
    }
  }
  // Broadcasting and in place.
  const Tensor row = round_bf16(randn({1, 5}, {}, &gen));
  Tensor m = round_bf16(randn({4, 5}, {}, &gen));
  const Tensor want = round_bf16(prim::binary(prim::Binary::add, promote_f32(m), promote_f32(row)));
  prim::binary_(prim::Binary::add, m, row);
  EXPECT_TRUE(testing::bitwise_equal(m, want));
  EXPECT_THROW(prim::binary(prim::Binary::add, m, randn({4, 5})), std::invalid_argument);
}

TEST(Bf16Ops, ReductionsAccumulateInFloat) {
  // 4096 ones: a bf16 accumulator would stop at 256; a float one counts them all.
  const Tensor ones_b = full({4096}, 1.0, DType::bf16);
  EXPECT_EQ(prim::sum(ones_b).item(), 4096.0);
  Generator gen(2);
  const Tensor x = randn({6, 33}, {}, &gen);
  const Tensor s = prim::sum(round_bf16(x), {1});
  ASSERT_EQ(s.dtype(), DType::bf16);
  EXPECT_TRUE(testing::allclose(promote_f32(s), prim::sum(x, {1}), 2 * kRound, 0.05));
  const auto [v, i] = prim::max_with_indices(round_bf16(x), {1});
  EXPECT_TRUE(testing::bitwise_equal(i, prim::argmax(promote_f32(round_bf16(x)), {1})));
  EXPECT_EQ(v.dtype(), DType::bf16);
}

// |A B - ref| <= 2^-8 sum_k |a_ik||b_kj| (the inputs' and output's rounding; float accumulation).
void expect_product_close(const Tensor& got, const Tensor& a, const Tensor& b) {
  const Tensor ref = prim::matmul(prim::to(a, DType::f64), prim::to(b, DType::f64));
  const Tensor bound = prim::matmul(prim::unary(prim::Unary::abs, prim::to(a, DType::f64)),
                                    prim::unary(prim::Unary::abs, prim::to(b, DType::f64)));
  const Tensor err = prim::unary(prim::Unary::abs, prim::binary(prim::Binary::sub, prim::to(got, DType::f64), ref));
  const Tensor slack = prim::binary(prim::Binary::mul, bound, scalar(2 * kRound, DType::f64));
  const Tensor excess = prim::binary(prim::Binary::sub, err, slack);
  EXPECT_LE(prim::max(excess).item(), 1e-6);
}

TEST(Bf16Ops, MatmulAgainstF64) {
  Generator gen(3);
  for (auto [m, k, n] : {std::array<int64_t, 3>{1, 1, 1}, {1, 17, 1}, {5, 3, 7}, {33, 65, 17}}) {
    const Tensor a = randn({m, k}, {}, &gen), b = randn({k, n}, {}, &gen);
    const Tensor ab = round_bf16(a), bb = round_bf16(testing::noncontiguous(b));
    const Tensor y = prim::matmul(ab, bb);
    ASSERT_EQ(y.dtype(), DType::bf16);
    EXPECT_TRUE(testing::bitwise_equal(y, round_bf16(prim::matmul(promote_f32(ab), promote_f32(bb)))));
    expect_product_close(y, a, b);
  }
  const Tensor batched = prim::matmul(round_bf16(randn({2, 3, 4}, {}, &gen)), round_bf16(randn({4, 5}, {}, &gen)));
  EXPECT_EQ(batched.shape(), (Shape{2, 3, 5}));
  EXPECT_THROW(prim::matmul(round_bf16(randn({2, 3})), randn({3, 2})), std::invalid_argument);
}

TEST(Bf16Ops, ConvolutionsComputeInFloat) {
  Generator gen(4);
  Conv2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  const Tensor x = round_bf16(randn({2, 3, 7, 5}, {}, &gen)), w = round_bf16(randn({4, 3, 3, 3}, {}, &gen));
  const Tensor bias = round_bf16(randn({4}, {}, &gen));
  const Tensor y = prim::conv2d(x, w, bias, p);
  ASSERT_EQ(y.dtype(), DType::bf16);
  EXPECT_TRUE(
      testing::bitwise_equal(y, round_bf16(prim::conv2d(promote_f32(x), promote_f32(w), promote_f32(bias), p))));
  const Tensor wt = round_bf16(randn({3, 2, 4, 4}, {}, &gen));
  const Tensor yt = prim::conv_transpose2d(testing::noncontiguous(x), wt, {}, p);
  EXPECT_TRUE(testing::bitwise_equal(yt, round_bf16(prim::conv_transpose2d(promote_f32(x), promote_f32(wt), {}, p))));
  const Tensor gw = prim::conv2d_weight(x, y, w.shape(), p);
  EXPECT_EQ(gw.dtype(), DType::bf16);
  EXPECT_TRUE(
      testing::bitwise_equal(gw, round_bf16(prim::conv2d_weight(promote_f32(x), promote_f32(y), w.shape(), p))));
}

// The fused conv + bias + activation keeps its activation in bf16 (the
// product, bias and activation in float, one rounding), and so does linear.
TEST(Bf16Ops, FusedConvActivationAndLinear) {
  Generator gen(5);
  Conv2dParams p;
  p.stride = {2, 2};
  p.padding = {1, 1};
  const Tensor x = round_bf16(randn({2, 3, 8, 6}, {}, &gen)), w = round_bf16(randn({4, 3, 4, 4}, {}, &gen));
  const Tensor bias = round_bf16(randn({4}, {}, &gen));
  const kernels::Activation leaky{kernels::Act::leaky_relu, 0.2};
  const Tensor y = prim::conv2d_act(x, w, bias, p, leaky);
  ASSERT_EQ(y.dtype(), DType::bf16);
  const Tensor y32 = prim::conv2d_act(promote_f32(x), promote_f32(w), promote_f32(bias), p, leaky);
  EXPECT_TRUE(testing::bitwise_equal(y, round_bf16(y32)));
  EXPECT_LT(prim::min(promote_f32(y)).item(), 0.0);  // leaky, not identity: negatives scaled, kept
  EXPECT_FALSE(testing::bitwise_equal(y, round_bf16(prim::conv2d(promote_f32(x), promote_f32(w), promote_f32(bias), p))));
  const Tensor a = round_bf16(randn({5, 7}, {}, &gen)), wl = round_bf16(randn({3, 7}, {}, &gen));
  const Tensor bl = round_bf16(randn({3}, {}, &gen));
  const Tensor yl = prim::linear(a, wl, bl);
  ASSERT_EQ(yl.dtype(), DType::bf16);
  EXPECT_TRUE(testing::bitwise_equal(yl, round_bf16(prim::linear(promote_f32(a), promote_f32(wl), promote_f32(bl)))));
}

}  // namespace
}  // namespace nabla
