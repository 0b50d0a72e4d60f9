// Gradients of slogdet and inv, first and second order, in float64.
#include "autograd/det.h"

#include <cmath>
#include <vector>

#include "autograd/nabla.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

// Well-conditioned [..., n, n] leaves: N(0, 1) + 3 I.
Tensor square(const Shape& shape, uint64_t seed) {
  NoGradGuard no_grad;
  const int64_t n = shape.back();
  Tensor x = testing::random(shape, seed, {.requires_grad = false}) + eye(n, DType::f64) * 3.0;
  return x.requires_grad_();
}

Tensor strided(const Tensor& x) { return transpose(contiguous(transpose(x, -1, -2)), -1, -2); }

Tensor logabsdet(const Tensor& a) { return slogdet(a).second; }

TEST(AutogradDet, SlogdetGradcheck) {
  for (const Shape& shape : {Shape{1, 1}, Shape{3, 3}, Shape{2, 2, 4, 4}}) {
    const Tensor a = square(shape, 1);
    EXPECT_GRADCHECK(gradcheck([](const Tensor& x) { return logabsdet(x); }, a));
    EXPECT_GRADCHECK(gradcheck([](const Tensor& x) { return logabsdet(strided(x)); }, a));
  }
  // A negative determinant: the gradient of log|det| is still a^{-T}.
  const Tensor neg = square({3, 3}, 2) * -1.0;
  EXPECT_GRADCHECK(gradcheck([](const Tensor& x) { return logabsdet(x); }, detach(neg).requires_grad_()));
  EXPECT_GRADCHECK(gradgradcheck([](const Tensor& x) { return logabsdet(x); }, square({2, 3, 3}, 3)));
}

TEST(AutogradDet, SlogdetGradientIsInverseTranspose) {
  const Tensor a = square({4, 4}, 4);
  backward(logabsdet(a));
  NoGradGuard no_grad;
  EXPECT_TRUE(allclose(a.grad(), transpose(inv(a), 0, 1), 1e-12, 1e-12));
  EXPECT_FALSE(slogdet(a).first.requires_grad());
}

TEST(AutogradDet, InvGradcheck) {
  for (const Shape& shape : {Shape{1, 1}, Shape{3, 3}, Shape{2, 3, 3}}) {
    const Tensor a = square(shape, 5);
    EXPECT_GRADCHECK(gradcheck([](const Tensor& x) { return inv(x); }, a));
    EXPECT_GRADCHECK(gradcheck([](const Tensor& x) { return inv(strided(x)); }, a));
  }
  EXPECT_GRADCHECK(gradgradcheck([](const Tensor& x) { return inv(x); }, square({3, 3}, 6)));
}

}  // namespace
}  // namespace nabla
