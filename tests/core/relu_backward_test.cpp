// prim::relu_backward against the composite it replaces in the relu and
// leaky_relu vjps, where(x > 0, g, 0 or g * slope): the same float
// operations, so the same bits, contiguous or not.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/elementwise.h"
#include "core/factory.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using prim::Binary;
using prim::Compare;
using testing::bitwise_equal;

Tensor composite(const Tensor& g, const Tensor& x, double slope, bool leaky) {
  const Tensor pos = prim::compare(Compare::gt, x, scalar(0.0, Options::like(x)));
  const Tensor other = leaky ? prim::binary(Binary::mul, g, scalar(slope, Options::like(g))) : scalar(0.0, Options::like(g));
  return prim::where(pos, g, other);
}

Tensor sample(const Shape& shape, uint64_t seed, DType t) {
  return to(testing::random(shape, seed, {.requires_grad = false}), t);
}

TEST(ReluBackward, BitwiseTheWhereComposite) {
  for (DType t : {DType::f32, DType::f64})
    for (const Shape& shape : {Shape{}, Shape{1}, Shape{37}, Shape{5, 9}, Shape{3, 4, 70}})
      for (bool leaky : {false, true}) {
        const Tensor g = sample(shape, 1, t), x = sample(shape, 2, t);
        EXPECT_TRUE(bitwise_equal(prim::relu_backward(g, x, 0.2, leaky), composite(g, x, 0.2, leaky)))
            << describe(x) << " leaky " << leaky;
        const Tensor gs = testing::noncontiguous(g), xs = testing::noncontiguous(x);
        EXPECT_TRUE(bitwise_equal(prim::relu_backward(gs, xs, 0.2, leaky), composite(g, x, 0.2, leaky)))
            << "strided " << describe(x) << " leaky " << leaky;
      }
}

TEST(ReluBackward, HandValuesAndSpecialGradients) {
  const double inf = std::numeric_limits<double>::infinity();
  const Tensor x = tensor<double>({-1, 0, 2, -3, 5}, {5});
  const Tensor g = tensor<double>({4, 5, 6, inf, -2}, {5});
  EXPECT_TRUE(bitwise_equal(prim::relu_backward(g, x, 0.5, true), tensor<double>({2, 2.5, 6, inf, -2}, {5})));
  // relu sends exactly 0 (not g * 0, which would be NaN for an infinite g).
  EXPECT_TRUE(bitwise_equal(prim::relu_backward(g, x, 0.5, false), tensor<double>({0, 0, 6, 0, -2}, {5})));
}

TEST(ReluBackward, ChecksItsOperands) {
  EXPECT_THROW_MESSAGE(prim::relu_backward(zeros({3}), zeros({4}), 0, false), std::invalid_argument,
                       "relu_backward");
  EXPECT_THROW_MESSAGE(prim::relu_backward(zeros({3}), zeros({3}, DType::f64), 0, false), std::invalid_argument,
                       "relu_backward");
  EXPECT_THROW_MESSAGE(prim::relu_backward(zeros({3}, DType::i64), zeros({3}, DType::i64), 0, false),
                       std::invalid_argument, "relu_backward");
}

}  // namespace
}  // namespace nabla
