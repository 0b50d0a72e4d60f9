#include "autograd/engine.h"

#include "autograd/record.h"
#include "core/elementwise.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

TEST(Engine, ChainRuleThroughSharedSubexpression) {
  // f(x) = (x * x + x) summed; df/dx = 2x + 1; x is used three times.
  Tensor x = tensor<double>({1.0, -2.0, 3.0});
  x.requires_grad_();
  Tensor y = sum(x * x + x);
  backward(y);
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({3.0, -3.0, 7.0})));
}

TEST(Engine, GradientsAccumulateAcrossBackwardCalls) {
  Tensor x = tensor<double>({2.0}).requires_grad_();
  backward(sum(x * 3.0));
  backward(sum(x * 4.0));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({7.0})));
}

TEST(Engine, BackwardTwiceThroughFreedGraphThrows) {
  Tensor x = tensor<double>({2.0}).requires_grad_();
  Tensor y = sum(exp(x));
  backward(y);
  EXPECT_THROW(backward(y), std::runtime_error);
}

TEST(Engine, RetainGraphAllowsSecondBackward) {
  Tensor x = tensor<double>({2.0}).requires_grad_();
  Tensor y = sum(exp(x));
  backward(y, {}, {.retain_graph = true});
  backward(y);
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({2 * std::exp(2.0)})));
}

TEST(Engine, InPlaceChangeOfSavedTensorIsCaught) {
  Tensor a = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor b = tensor<double>({3.0, 4.0});
  Tensor y = sum(a * b);  // saves b
  prim::fill_(b, 0.0);
  EXPECT_THROW(backward(y), std::runtime_error);
}

TEST(Engine, GradReturnsWithoutTouchingLeafGrad) {
  Tensor x = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor y = sum(x * x * x);
  auto g = grad({y}, {x});
  EXPECT_TRUE(allclose(g[0], tensor<double>({3.0, 12.0})));
  EXPECT_FALSE(x.grad().defined());
}

TEST(Engine, SecondDerivativeThroughCreateGraph) {
  Tensor x = tensor<double>({1.5}).requires_grad_();
  Tensor y = sum(x * x * x);
  Tensor dy = grad({y}, {x}, {}, {.create_graph = true})[0];  // 3x^2
  Tensor d2y = grad({sum(dy)}, {x})[0];                       // 6x
  EXPECT_TRUE(allclose(d2y, tensor<double>({9.0})));
}

TEST(Engine, NoGradRecordsNothing) {
  Tensor x = tensor<double>({1.0}).requires_grad_();
  NoGradGuard guard;
  Tensor y = x * 2.0;
  EXPECT_FALSE(y.requires_grad());
}

TEST(Engine, UnusedInputNeedsAllowUnused) {
  Tensor x = tensor<double>({1.0}).requires_grad_();
  Tensor z = tensor<double>({1.0}).requires_grad_();
  Tensor y = sum(x * 2.0);
  EXPECT_THROW(grad({y}, {z}, {}, {.retain_graph = true}), std::invalid_argument);
  auto g = grad({y}, {z}, {}, {.allow_unused = true});
  EXPECT_FALSE(g[0].defined());
}

// grad() with inputs asks a vjp only for the gradients that lead to them:
// here y = a * b with both requiring grad, and grad(y, {a}) needs no db.
TEST(Engine, GradAsksVjpOnlyForInputsLeadingToTargets) {
  Tensor a = tensor<double>({2.0}).requires_grad_();
  Tensor b = tensor<double>({3.0}).requires_grad_();
  std::vector<bool> seen;
  auto product = [&seen](const Tensor& a, const Tensor& b) {
    Tensor y = prim::binary(prim::Binary::mul, a, b);
    return record("logged_mul", y, {a, b}, {a, b}, [&seen](const VjpContext& c) -> Grads {
      seen = c.needs;
      return {c.grad * c.saved[1], c.grad * c.saved[0]};
    });
  };
  Tensor ga = grad({sum(product(a, b))}, {a})[0];
  EXPECT_TRUE(allclose(ga, tensor<double>({3.0})));
  EXPECT_EQ(seen, (std::vector<bool>{true, false}));
  backward(sum(product(a, b)));  // backward() still fills every leaf
  EXPECT_EQ(seen, (std::vector<bool>{true, true}));
  EXPECT_TRUE(allclose(b.grad(), tensor<double>({2.0})));
}

TEST(Engine, BroadcastGradientIsSummedToInputShape) {
  Tensor a = ones({2, 3}, DType::f64).requires_grad_();
  Tensor b = tensor<double>({1.0, 2.0, 3.0}).requires_grad_();
  backward(sum(a * b));
  EXPECT_TRUE(allclose(b.grad(), tensor<double>({2.0, 2.0, 2.0})));
  EXPECT_TRUE(allclose(a.grad(), tensor<double>({1, 2, 3, 1, 2, 3}, {2, 3})));
}

TEST(Functional, JvpMatchesJacobianTimesTangent) {
  Tensor x = tensor<double>({0.3, -0.7});
  Tensor v = tensor<double>({1.0, 2.0});
  auto f = [](const std::vector<Tensor>& in) { return std::vector<Tensor>{sin(in[0]) * in[0]}; };
  auto [ys, jv] = jvp(f, {x}, {v});
  // d/dx (x sin x) = sin x + x cos x, diagonal Jacobian.
  auto xv = to_vector<double>(x);
  std::vector<double> expect;
  for (size_t i = 0; i < xv.size(); ++i)
    expect.push_back((std::sin(xv[i]) + xv[i] * std::cos(xv[i])) * to_vector<double>(v)[i]);
  EXPECT_TRUE(allclose(jv[0], tensor<double>(expect)));
}

TEST(Functional, JacobianOfLinearMapIsItsMatrix) {
  Tensor x = tensor<double>({1.0, 2.0});
  Tensor jac = jacobian([](const Tensor& x) { return x * tensor<double>({3.0, -1.0}) + 1.0; }, x);
  EXPECT_TRUE(allclose(jac, tensor<double>({3, 0, 0, -1}, {2, 2})));
}

TEST(Gradcheck, CatchesAWrongDerivative) {
  // A deliberately wrong vjp (the derivative of sin taken as sin) must fail.
  auto wrong = [](const Tensor& x) {
    Tensor y = prim::unary(prim::Unary::sin, x);
    return record("wrong_sin", y, {x}, {x}, [](const VjpContext& c) -> Grads { return {c.grad * sin(c.saved[0])}; });
  };
  Tensor x = tensor<double>({0.5, 1.0}).requires_grad_();
  EXPECT_FALSE(gradcheck(wrong, x).ok);
  EXPECT_TRUE(gradcheck([](const Tensor& x) { return sin(x); }, x).ok);
}

}  // namespace
}  // namespace nabla
