// Gradients of pooling and upsampling, and of their backward ops.
#include "autograd/pool.h"

#include <vector>

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::random;

// The same values through a transposed copy: a differentiable non-contiguous view.
Tensor strided(const Tensor& x) { return transpose(contiguous(transpose(x, -1, -2)), -1, -2); }

// Checks f's first and second derivatives on x, contiguous and strided.
void check_both_orders(const Fn1& f, const Tensor& x) {
  EXPECT_GRADCHECK(gradcheck(f, x));
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& t) { return f(strided(t)); }, x));
  EXPECT_GRADCHECK(gradgradcheck(f, x));
}

TEST(PoolGrad, MaxPool2d) {
  const Tensor x = random({1, 2, 5, 5}, 1);
  check_both_orders([](const Tensor& t) { return max_pool2d(t, 2); }, x);
  check_both_orders([](const Tensor& t) { return max_pool2d(t, 3, 2, 1); }, x);
  check_both_orders([](const Tensor& t) { return max_pool2d(t, 2, 1, 1, 2); }, x);  // dilated
  check_both_orders([](const Tensor& t) { return max_pool2d(t, {2, 3}, {1, 2}); }, random({2, 4, 5}, 2));
}

TEST(PoolGrad, AvgPool2d) {
  const Tensor x = random({2, 1, 5, 4}, 3);
  check_both_orders([](const Tensor& t) { return avg_pool2d(t, 2); }, x);
  check_both_orders([](const Tensor& t) { return avg_pool2d(t, 3, 2, 1, true); }, x);
  check_both_orders([](const Tensor& t) { return avg_pool2d(t, 3, 2, 1, false); }, x);
  check_both_orders([](const Tensor& t) { return avg_pool2d(t, {3, 2}, 1); }, random({2, 4, 3}, 4));
}

TEST(PoolGrad, UpsampleNearest2d) {
  check_both_orders([](const Tensor& t) { return upsample_nearest2d(t, 2); }, random({1, 2, 3, 2}, 5));
  check_both_orders([](const Tensor& t) { return upsample_nearest2d(t, {1, 3}); }, random({2, 2, 3}, 6));
  check_both_orders([](const Tensor& t) { return upsample_nearest2d_to(t, {5, 3}); }, random({1, 1, 3, 2}, 7));
}

TEST(PoolGrad, BackwardOpsHaveTheirOwnGradients) {
  const Tensor x = random({1, 2, 4, 4}, 8);
  const Tensor indices = prim::max_pool2d_with_indices(x, 3, 1, 1).second;
  const Tensor g = random({1, 2, 4, 4}, 9);
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& t) { return max_pool2d_backward(t, indices, x.shape()); }, g));
  EXPECT_GRADCHECK(gradgradcheck([&](const Tensor& t) { return max_pool2d_backward(t, indices, x.shape()); }, g));
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& t) { return max_pool2d_gather(t, indices); }, x));
  const Tensor ga = random({1, 2, 2, 2}, 10);
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& t) { return avg_pool2d_backward(t, x.shape(), 3, 2, 1, false); }, ga));
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& t) { return upsample_nearest2d_backward(t, {1, 2, 2, 3}); }, x));
}

TEST(PoolGrad, MaxPoolGradientGoesToTheArgmax) {
  Tensor x = tensor<double>({1, 5, 2, 0}, {1, 1, 2, 2}).requires_grad_();
  backward(sum(max_pool2d(x, 2) * 3.0));
  EXPECT_TRUE(testing::allclose(x.grad(), tensor<double>({0, 3, 0, 0}, {1, 1, 2, 2})));
}

}  // namespace
}  // namespace nabla
