// Gradients of logabsdet and inverse, first and second order, on contiguous
// and non-contiguous (transposed) input.
#include "autograd/det.h"

#include <cmath>
#include <vector>

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

Tensor strided(const Tensor& x) { return transpose(contiguous(transpose(x, -1, -2)), -1, -2); }

// Well-conditioned: a random matrix plus 3 I.
Tensor well_conditioned(Shape shape, uint64_t seed) {
  const int64_t n = shape.back();
  return detach(testing::random(shape, seed) + 3.0 * eye(n, DType::f64)).requires_grad_();
}

TEST(DetGrad, LogabsdetGradcheck) {
  for (bool nc : {false, true}) {
    SCOPED_TRACE(nc ? "non-contiguous" : "contiguous");
    const Fn1 f = [nc](const Tensor& a) { return logabsdet(nc ? strided(a) : a); };
    EXPECT_GRADCHECK(gradcheck(f, well_conditioned({3, 3}, 1)));
    EXPECT_GRADCHECK(gradcheck(f, well_conditioned({2, 3, 3}, 2)));
    // A negative determinant: d log|det| / da = a^-T holds for either sign.
    EXPECT_GRADCHECK(gradcheck(f, detach(-well_conditioned({3, 3}, 3)).requires_grad_()));
    EXPECT_GRADCHECK(gradgradcheck(f, well_conditioned({2, 3, 3}, 4)));
  }
}

TEST(DetGrad, InverseGradcheck) {
  for (bool nc : {false, true}) {
    SCOPED_TRACE(nc ? "non-contiguous" : "contiguous");
    const Fn1 f = [nc](const Tensor& a) { return inverse(nc ? strided(a) : a); };
    EXPECT_GRADCHECK(gradcheck(f, well_conditioned({3, 3}, 5)));
    EXPECT_GRADCHECK(gradcheck(f, well_conditioned({2, 2, 2}, 6)));
    EXPECT_GRADCHECK(gradgradcheck(f, well_conditioned({3, 3}, 7)));
  }
}

TEST(DetGrad, SlogdetGivesTheSignAndADifferentiableLogabsdet) {
  Tensor a = tensor<double>({1, 2, 3, 4}, {2, 2});
  a.requires_grad_();
  const auto [sign, logabs] = slogdet(a);
  EXPECT_EQ(sign.item(), -1.0);
  backward(logabs);
  // a^-T for [[1, 2], [3, 4]]: a^-1 = [[-2, 1], [1.5, -0.5]].
  EXPECT_TRUE(allclose(a.grad(), tensor<double>({-2, 1.5, 1, -0.5}, {2, 2}), 1e-12, 1e-12));
}

}  // namespace
}  // namespace nabla
