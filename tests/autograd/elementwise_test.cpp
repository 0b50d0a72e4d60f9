// First- and second-order gradient checks of every elementwise op (float64).
#include "autograd/elementwise.h"

#include <functional>

#include "tests/testing.h"

namespace nabla {
namespace {

struct Case {
  const char* name;
  Fn1 f;
  bool positive;  // domain x > 0
  bool second_order;
};

std::vector<Case> unary_cases() {
  return {
      {"neg", [](const Tensor& x) { return -x; }, false, true},
      {"exp", [](const Tensor& x) { return exp(x); }, false, true},
      {"log", [](const Tensor& x) { return log(x); }, true, true},
      {"log1p", [](const Tensor& x) { return log1p(x); }, true, true},
      {"expm1", [](const Tensor& x) { return expm1(x); }, false, true},
      {"sqrt", [](const Tensor& x) { return sqrt(x); }, true, true},
      {"rsqrt", [](const Tensor& x) { return rsqrt(x); }, true, true},
      {"abs", [](const Tensor& x) { return abs(x); }, false, true},
      {"sin", [](const Tensor& x) { return sin(x); }, false, true},
      {"cos", [](const Tensor& x) { return cos(x); }, false, true},
      {"tanh", [](const Tensor& x) { return tanh(x); }, false, true},
      {"sigmoid", [](const Tensor& x) { return sigmoid(x); }, false, true},
      {"relu", [](const Tensor& x) { return relu(x); }, false, true},
      {"leaky_relu", [](const Tensor& x) { return leaky_relu(x, 0.2); }, false, true},
      {"elu", [](const Tensor& x) { return elu(x, 1.3); }, false, true},
      {"softplus", [](const Tensor& x) { return softplus(x, 1.5); }, false, true},
      {"square", [](const Tensor& x) { return square(x); }, false, true},
      {"pow", [](const Tensor& x) { return pow(x, 2.5); }, true, true},
      {"clamp", [](const Tensor& x) { return clamp(x, -0.5, 0.6); }, false, true},
      {"reciprocal", [](const Tensor& x) { return reciprocal(x); }, true, true},
      {"sign", [](const Tensor& x) { return sign(x) * x; }, false, true},
  };
}

TEST(ElementwiseGrad, UnaryFirstAndSecondOrder) {
  for (const auto& c : unary_cases()) {
    SCOPED_TRACE(c.name);
    Tensor x = testing::random({3, 4}, 1, {.requires_grad = false});
    if (c.positive) x = abs(x) + 0.3;
    x.requires_grad_();
    EXPECT_GRADCHECK(gradcheck(c.f, x));
    // gradcheck clones its inputs contiguous, so the strided layout is made inside f.
    auto strided = [&](const Tensor& x) { return c.f(transpose(contiguous(transpose(x, 0, 1)), 0, 1)); };
    EXPECT_GRADCHECK(gradcheck(strided, x));
    if (c.second_order) EXPECT_GRADCHECK(gradgradcheck(c.f, x));
  }
}

TEST(ElementwiseGrad, BinaryWithBroadcasting) {
  std::vector<std::pair<const char*, Fn>> cases = {
      {"add", [](const std::vector<Tensor>& v) { return std::vector<Tensor>{v[0] + v[1]}; }},
      {"sub", [](const std::vector<Tensor>& v) { return std::vector<Tensor>{v[0] - v[1]}; }},
      {"mul", [](const std::vector<Tensor>& v) { return std::vector<Tensor>{v[0] * v[1]}; }},
      {"div", [](const std::vector<Tensor>& v) { return std::vector<Tensor>{v[0] / v[1]}; }},
      {"pow", [](const std::vector<Tensor>& v) { return std::vector<Tensor>{pow(v[0], v[1])}; }},
      {"maximum", [](const std::vector<Tensor>& v) { return std::vector<Tensor>{maximum(v[0], v[1])}; }},
      {"minimum", [](const std::vector<Tensor>& v) { return std::vector<Tensor>{minimum(v[0], v[1])}; }},
  };
  for (const auto& [name, f] : cases) {
    SCOPED_TRACE(name);
    const testing::RandomOptions plain{.requires_grad = false};
    Tensor a = (abs(testing::random({3, 1, 4}, 2, plain)) + 0.5).requires_grad_();
    Tensor b = (abs(testing::random({2, 1}, 3, plain)) + 0.5).requires_grad_();
    EXPECT_GRADCHECK(gradcheck(f, {a, b}));
    EXPECT_GRADCHECK(gradgradcheck(f, {a, b}));
  }
}

TEST(ElementwiseGrad, MaximumSplitsTiesEvenly) {
  Tensor a = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor b = tensor<double>({1.0, 3.0}).requires_grad_();
  backward(sum(maximum(a, b)));
  EXPECT_EQ(to_vector<double>(a.grad()), (std::vector<double>{0.5, 0.0}));
  EXPECT_EQ(to_vector<double>(b.grad()), (std::vector<double>{0.5, 1.0}));
}

TEST(ElementwiseGrad, WhereRoutesGradient) {
  Tensor cond = tensor<bool>({true, false, true});
  Fn f = [cond](const std::vector<Tensor>& v) { return std::vector<Tensor>{where(cond, v[0] * v[0], v[1])}; };
  Tensor a = testing::random({3}, 4), b = testing::random({1}, 5);
  EXPECT_GRADCHECK(gradcheck(f, {a, b}));
  EXPECT_GRADCHECK(gradgradcheck(f, {a, b}));
}

TEST(ElementwiseGrad, ScalarOperandsKeepTensorDtype) {
  Tensor x = tensor<double>({1.0, 2.0});
  EXPECT_EQ((x * 2.0).dtype(), DType::f64);
  EXPECT_EQ((1.0 - x).dtype(), DType::f64);
  EXPECT_EQ(to_vector<double>(1.0 - x), (std::vector<double>{0.0, -1.0}));
  EXPECT_EQ(to_vector<double>(2.0 / x), (std::vector<double>{2.0, 1.0}));
}

}  // namespace
}  // namespace nabla
