// Gradients of matmul, bmm, outer and linear, first and second order.
#include "autograd/linalg.h"

#include <vector>

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::random;

// The same values through a transposed copy: a differentiable non-contiguous view.
Tensor strided(const Tensor& x) {
  if (x.dim() < 2) return x;
  return transpose(contiguous(transpose(x, -1, -2)), -1, -2);
}

Fn product(Tensor (*op)(const Tensor&, const Tensor&), bool noncontiguous) {
  return [op, noncontiguous](const std::vector<Tensor>& in) {
    const Tensor a = noncontiguous ? strided(in[0]) : in[0];
    const Tensor b = noncontiguous ? strided(in[1]) : in[1];
    return std::vector<Tensor>{op(a, b)};
  };
}

struct Case {
  Shape a, b;
};
const std::vector<Case> kMatmulCases = {
    {{3}, {3}},       {{2, 3}, {3, 4}},    {{3}, {3, 2}},          {{2, 3}, {3}},          {{2, 2, 3}, {3, 2}},
    {{4}, {2, 4, 3}}, {{2, 3, 4}, {4}},    {{2, 1, 2, 3}, {3, 3, 2}}, {{1, 2, 3}, {2, 3, 2}}, {{3, 2}, {2, 2, 1}},
};

TEST(LinalgGrad, MatmulGradcheck) {
  uint64_t seed = 1;
  for (const Case& c : kMatmulCases) {
    SCOPED_TRACE(str(c.a) + " @ " + str(c.b));
    const std::vector<Tensor> in = {random(c.a, seed++), random(c.b, seed++)};
    EXPECT_GRADCHECK(gradcheck(product(matmul, false), in));
    EXPECT_GRADCHECK(gradcheck(product(matmul, true), in));
  }
}

TEST(LinalgGrad, MatmulGradgradcheck) {
  uint64_t seed = 100;
  for (const Case& c : kMatmulCases) {
    SCOPED_TRACE(str(c.a) + " @ " + str(c.b));
    const std::vector<Tensor> in = {random(c.a, seed++), random(c.b, seed++)};
    EXPECT_GRADCHECK(gradgradcheck(product(matmul, c.a.size() > 1), in));
  }
}

TEST(LinalgGrad, MatmulGradientValues) {
  // d sum(A B) / dA = 1 B^T (row sums of B), d / dB = A^T 1 (column sums of A).
  Tensor a = tensor<double>({1, 2, 3, 4}, {2, 2}).requires_grad_();
  Tensor b = tensor<double>({5, 6, 7, 8}, {2, 2}).requires_grad_();
  backward(sum(matmul(a, b)));
  EXPECT_TRUE(allclose(a.grad(), tensor<double>({11, 15, 11, 15}, {2, 2})));
  EXPECT_TRUE(allclose(b.grad(), tensor<double>({4, 4, 6, 6}, {2, 2})));
}

TEST(LinalgGrad, BmmAndOuter) {
  const std::vector<Tensor> mats = {random({2, 2, 3}, 7), random({2, 3, 2}, 8)};
  EXPECT_GRADCHECK(gradcheck(product(bmm, false), mats));
  EXPECT_GRADCHECK(gradcheck(product(bmm, true), mats));
  EXPECT_GRADCHECK(gradgradcheck(product(bmm, true), mats));
  const std::vector<Tensor> vecs = {random({3}, 9), random({4}, 10)};
  EXPECT_GRADCHECK(gradcheck(product(outer, false), vecs));
  EXPECT_GRADCHECK(gradgradcheck(product(outer, false), vecs));
}

TEST(LinalgGrad, LinearGradcheckWithAndWithoutBias) {
  const Tensor x = random({4, 3}, 11), w = random({2, 3}, 12), b = random({2}, 13);
  auto with_bias = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{linear(strided(in[0]), in[1], in[2])};
  };
  auto no_bias = [](const std::vector<Tensor>& in) { return std::vector<Tensor>{linear(in[0], in[1])}; };
  EXPECT_GRADCHECK(gradcheck(with_bias, {x, w, b}));
  EXPECT_GRADCHECK(gradcheck(no_bias, {x, w}));
  EXPECT_GRADCHECK(gradgradcheck(with_bias, {x, w, b}));
  EXPECT_GRADCHECK(gradgradcheck(no_bias, {random({2, 2, 3}, 14), w}));
}

TEST(LinalgGrad, LinearInsideAGradientPenalty) {
  // A WGAN-GP-like penalty: || d tanh(x W^T + b) / dx ||^2, differentiated in W.
  auto penalty = [](const std::vector<Tensor>& in) {
    GradModeGuard on(true);  // gradcheck evaluates f under no_grad for finite differences
    const Tensor x = in[0];
    const Tensor y = sum(tanh(linear(x, in[1], in[2])));
    const Tensor gx = grad({y}, {x}, {}, {.create_graph = true})[0];
    return std::vector<Tensor>{sum(gx * gx)};
  };
  EXPECT_GRADCHECK(gradcheck(penalty, {random({3, 2}, 15), random({4, 2}, 16), random({4}, 17)}));
}

TEST(LinalgGrad, LinearChecksShapes) {
  const Tensor x = zeros({4, 3}), w = zeros({2, 3});
  EXPECT_THROW(linear(x, zeros({3})), std::invalid_argument);
  EXPECT_THROW_MESSAGE(linear(x, zeros({2, 4})), std::invalid_argument, "linear");
  EXPECT_THROW(linear(x, w, zeros({3})), std::invalid_argument);
  EXPECT_EQ(linear(x, w, zeros({2})).shape(), (Shape{4, 2}));
  EXPECT_EQ(linear(zeros({3}), w).shape(), (Shape{2}));
}

}  // namespace
}  // namespace nabla
