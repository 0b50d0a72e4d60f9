#include "autograd/hooks.h"

#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/reduce.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

TEST(IntrospectHooks, DoublingHookDoublesLeafGrad) {
  Tensor x = tensor<double>({1.0, 2.0, 3.0}).requires_grad_();
  HookHandle h = register_hook(x, [](const Tensor& g) { return g * 2.0; });  // before any forward
  backward(sum(x * x));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({4.0, 8.0, 12.0})));
}

TEST(IntrospectHooks, HookSeesGradientBeforeAccumulation) {
  Tensor x = tensor<double>({1.0, 2.0}).requires_grad_();
  backward(sum(x * 3.0));  // .grad is now 3
  Tensor seen;
  HookHandle h = register_hook(x, [&](const Tensor& g) { seen = g; return Tensor(); });
  backward(sum(x * 5.0));
  ASSERT_TRUE(seen.defined());
  EXPECT_TRUE(allclose(seen, tensor<double>({5.0, 5.0})));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({8.0, 8.0})));  // undefined return keeps the gradient
}

TEST(IntrospectHooks, RemovedHookNoLongerFires) {
  Tensor x = tensor<double>({1.0}).requires_grad_();
  int calls = 0;
  HookHandle h = register_hook(x, [&](const Tensor&) { ++calls; return Tensor(); });
  backward(sum(x * 2.0));
  EXPECT_EQ(calls, 1);
  h.remove();
  h.remove();  // harmless
  backward(sum(x * 2.0));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({4.0})));
}

TEST(IntrospectHooks, NonLeafHookChangesGradientBeforeItsVjp) {
  Tensor x = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor y = x * x;
  Tensor seen;
  HookHandle h = register_hook(y, [&](const Tensor& g) { seen = g; return g * 10.0; });
  backward(sum(y * 3.0));
  EXPECT_TRUE(allclose(seen, tensor<double>({3.0, 3.0})));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({60.0, 120.0})));  // 10 * 3 * 2x
}

TEST(IntrospectHooks, HooksRunInOrderEachSeeingThePrevious) {
  Tensor x = tensor<double>({1.0}).requires_grad_();
  HookHandle a = register_hook(x, [](const Tensor& g) { return g + 1.0; });
  HookHandle b = register_hook(x, [](const Tensor& g) { return g * 3.0; });
  backward(sum(x * 2.0));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({9.0})));  // (2 + 1) * 3
}

TEST(IntrospectHooks, HooksFireUnderGrad) {
  Tensor x = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor y = x * x;
  HookHandle hx = register_hook(x, [](const Tensor& g) { return g * 2.0; });
  HookHandle hy = register_hook(y, [](const Tensor& g) { return g + 1.0; });
  auto g = grad({sum(y)}, {x, y});
  EXPECT_TRUE(allclose(g[0], tensor<double>({8.0, 16.0})));  // 2 * (1 + 1) * 2x
  EXPECT_TRUE(allclose(g[1], tensor<double>({2.0, 2.0})));
  EXPECT_FALSE(x.grad().defined());
}

TEST(IntrospectHooks, RetainGradOnIntermediate) {
  Tensor x = tensor<double>({1.0, 2.0, 3.0}).requires_grad_();
  Tensor y = x * x;
  Tensor u = exp(x);
  retain_grad(y);
  Tensor loss = sum(y * u);
  backward(loss, {}, {.retain_graph = true});
  ASSERT_TRUE(y.grad().defined());
  EXPECT_TRUE(allclose(y.grad(), exp(tensor<double>({1.0, 2.0, 3.0}))));  // d loss / dy = u
  EXPECT_FALSE(u.grad().defined());  // not retained
  backward(loss);                    // accumulates, like a leaf
  EXPECT_TRUE(allclose(y.grad(), 2.0 * exp(tensor<double>({1.0, 2.0, 3.0}))));
}

TEST(IntrospectHooks, RetainGradLeftAloneByGrad) {
  Tensor x = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor y = x * 2.0;
  retain_grad(y);
  retain_grad(x);  // a leaf: no-op
  grad({sum(y)}, {x});
  EXPECT_FALSE(y.grad().defined());
  EXPECT_FALSE(x.grad().defined());
}

TEST(IntrospectHooks, BadUseThrows) {
  Tensor c = tensor<double>({1.0});
  EXPECT_THROW((void)register_hook(c, [](const Tensor& g) { return g; }), std::invalid_argument);
  EXPECT_THROW(retain_grad(c), std::invalid_argument);
  Tensor x = tensor<double>({1.0, 2.0}).requires_grad_();
  HookHandle h = register_hook(x, [](const Tensor&) { return tensor<double>({1.0}); });
  try {
    backward(sum(x * 2.0));
    FAIL() << "a hook returning the wrong shape must throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("hook"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace nabla
