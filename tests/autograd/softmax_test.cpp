// Gradients of softmax, log_softmax and cumsum: gradcheck and gradgradcheck
// along every dim, on contiguous and transposed inputs.
#include "autograd/softmax.h"

#include <functional>

#include "autograd/scan.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

Tensor input(uint64_t seed) { return testing::random({3, 4, 2}, seed); }

// gradcheck and gradgradcheck of op(x, d) along dims 0, 1, -1, on x and on x transposed.
void check_along_dims(const std::function<Tensor(const Tensor&, int64_t)>& op, const Tensor& x) {
  for (int64_t d : {0, 1, -1})
    for (bool tr : {false, true}) {
      auto f = [&](const Tensor& t) { return op(tr ? transpose(t, 0, 1) : t, d); };
      SCOPED_TRACE("dim " + std::to_string(d) + " transposed " + std::to_string(tr));
      EXPECT_GRADCHECK(gradcheck(f, x));
      EXPECT_GRADCHECK(gradgradcheck(f, x));
    }
}

TEST(SoftmaxGrad, SoftmaxFirstAndSecondOrder) {
  check_along_dims([](const Tensor& t, int64_t d) { return softmax(t, d); }, input(1));
}

TEST(SoftmaxGrad, LogSoftmaxFirstAndSecondOrder) {
  check_along_dims([](const Tensor& t, int64_t d) { return log_softmax(t, d); }, input(2));
}

TEST(SoftmaxGrad, ByHand) {
  // sum(w * softmax(x)): grad_i = y_i (w_i - sum_j w_j y_j). With x = 0 over
  // two entries y = 1/2, so grad = (w - mean w) / 2.
  const Tensor x = zeros({2}, DType::f64).requires_grad_();
  backward(sum(softmax(x, 0) * tensor<double>({1, 3})));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({-0.5, 0.5})));
  // Cross-entropy through log_softmax: grad = softmax(x) - onehot.
  const Tensor z = tensor<double>({1, 2, 3}).requires_grad_();
  backward(-sum(log_softmax(z, 0) * tensor<double>({0, 1, 0})));
  const Tensor p = softmax(detach(z), 0);
  EXPECT_TRUE(allclose(z.grad(), p - tensor<double>({0, 1, 0})));
}

TEST(CumsumGrad, FirstAndSecondOrder) {
  const Tensor x = input(3);
  for (int64_t d : {0, 1, 2})
    for (bool reverse : {false, true}) {
      auto f = [&](const Tensor& t) { return cumsum(transpose(t, 0, 2), d, reverse) * t.dim(); };
      auto g = [&](const Tensor& t) { return square(cumsum(t, d, reverse)); };
      SCOPED_TRACE("dim " + std::to_string(d) + " reverse " + std::to_string(reverse));
      EXPECT_GRADCHECK(gradcheck(f, x));
      EXPECT_GRADCHECK(gradcheck(g, x));
      EXPECT_GRADCHECK(gradgradcheck(g, x));
    }
}

TEST(CumsumGrad, ByHand) {
  // sum(cumsum(x)) counts x_i once per j >= i: n - i.
  const Tensor x = tensor<double>({5, 1, 2, 7}).requires_grad_();
  backward(sum(cumsum(x, 0)));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({4, 3, 2, 1})));
}

}  // namespace
}  // namespace nabla
