// relu_backward and leaky_relu_backward, the vjps of relu and leaky_relu as
// ops of their own: first and second order gradients, and the bits of the
// where(x > 0, ...) composite they replaced, through a double backward too.
#include <gtest/gtest.h>

#include <vector>

#include "autograd/nabla.h"
#include "autograd/record.h"
#include "core/elementwise.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::bitwise_equal;
using testing::random;

// Values kept away from 0, where the kink makes finite differences wrong.
Tensor away_from_zero(const Shape& shape, uint64_t seed) {
  NoGradGuard off;
  const Tensor r = random(shape, seed, {.requires_grad = false});
  return (r + where(r > 0.0, scalar_like(0.1, r), scalar_like(-0.1, r))).requires_grad_();
}

TEST(ReluBackwardGrad, GradcheckAndGradgradcheck) {
  const Tensor g = random({3, 4}, 1), x = away_from_zero({3, 4}, 2);
  auto leaky = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{leaky_relu_backward(in[0], in[1], 0.3)};
  };
  auto plain = [](const std::vector<Tensor>& in) { return std::vector<Tensor>{relu_backward(in[0], in[1])}; };
  for (const auto& f : {Fn(leaky), Fn(plain)}) {
    EXPECT_GRADCHECK(gradcheck(f, {g, x}));
    EXPECT_GRADCHECK(gradgradcheck(f, {g, x}));
    EXPECT_GRADCHECK(gradcheck(f, {testing::noncontiguous(g), testing::noncontiguous(x)}));
  }
}

TEST(ReluBackwardGrad, ActivationsSecondOrder) {
  // d/dx of || d act(x W) / dx ||^2-like terms: the vjp's own vjp runs.
  const Tensor x = away_from_zero({2, 5}, 3);
  auto f = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{sum(leaky_relu(in[0], 0.2) * in[0]) + sum(relu(in[0]) * in[0] * in[0])};
  };
  EXPECT_GRADCHECK(gradgradcheck(f, {x}));
}

// relu / leaky_relu with the vjps they had before, where(x > 0, g, ...).
Tensor composite_act(const Tensor& x, bool leaky) {
  const Tensor y = prim::unary(leaky ? prim::Unary::leaky_relu : prim::Unary::relu, x, {0.2, 0});
  return record("act", y, {x}, {x}, [leaky](const VjpContext& c) -> Grads {
    const Tensor& x = c.saved[0];
    return {where(x > 0.0, c.grad, leaky ? c.grad * 0.2 : scalar_like(0.0, c.grad))};
  });
}

// The penalty of WGAN-GP on a tiny critic, through the fused vjps and through
// the composite: the same bits for the penalty and the weight's gradient.
TEST(ReluBackwardGrad, DoubleBackwardBitwiseTheComposite) {
  for (DType t : {DType::f32, DType::f64}) {
    auto run = [&](bool fused) {
      const Tensor x = to(random({6, 4}, 4, {.requires_grad = false}), t).requires_grad_();
      const Tensor w = to(random({4, 4}, 5, {.requires_grad = false}), t).requires_grad_();
      const Tensor h = matmul(x, w);
      const Tensor y = fused ? leaky_relu(h, 0.2) + relu(h) : composite_act(h, true) + composite_act(h, false);
      const Tensor gx = grad({sum(y * y)}, {x}, {}, {.create_graph = true})[0];
      const Tensor penalty = sum(gx * gx);
      backward(penalty);
      return std::vector<Tensor>{detach(penalty), w.grad()};
    };
    const auto a = run(true), b = run(false);
    EXPECT_TRUE(bitwise_equal(a[0], b[0]));
    EXPECT_TRUE(bitwise_equal(a[1], b[1]));
  }
}

}  // namespace
}  // namespace nabla
