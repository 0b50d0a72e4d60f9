#include "autograd/anomaly.h"

#include <cmath>
#include <string>

#include "autograd/elementwise.h"
#include "autograd/engine.h"
#include "autograd/node.h"
#include "autograd/reduce.h"
#include "tests/testing.h"

namespace nabla {
namespace {

// The message of the std::runtime_error that f throws ("" when none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(IntrospectAnomaly, LogOfNegativeThrowsInForwardNamingLog) {
  Tensor x = tensor<double>({1.0, -1.0, 2.0}).requires_grad_();
  AnomalyGuard anomaly;
  const std::string msg = error_of([&] { log(x * 2.0); });
  EXPECT_TRUE(has(msg, "op 'log' produced NaN/Inf in its output f64[3]")) << msg;
  EXPECT_TRUE(has(msg, "(forward)")) << msg;
  EXPECT_TRUE(has(msg, "made by leaf f64[3] -> mul -> log")) << msg;
}

TEST(IntrospectAnomaly, SqrtAtZeroInfGradientCaughtInBackward) {
  Tensor x = tensor<double>({0.0, 4.0}).requires_grad_();
  AnomalyGuard anomaly;
  Tensor y = sum(sqrt(x));  // finite forward
  const std::string msg = error_of([&] { backward(y); });
  EXPECT_TRUE(has(msg, "in the gradient for input 0 of 'sqrt'")) << msg;
  EXPECT_TRUE(has(msg, "(backward)")) << msg;
  EXPECT_FALSE(x.grad().defined());
}

TEST(IntrospectAnomaly, CreateGraphBlamesTheNodeWhoseVjpWentNonFinite) {
  // With create_graph the vjp's own ops (g * 0.5 / y) are recorded and checked
  // in forward; the error still names sqrt's backward, not just 'div'.
  Tensor x = tensor<double>({0.0, 4.0}).requires_grad_();
  AnomalyGuard anomaly;
  Tensor y = sum(sqrt(x));
  const std::string msg = error_of([&] { grad({y}, {x}, {}, {.create_graph = true}); });
  EXPECT_TRUE(has(msg, "while computing the gradient of 'sqrt' (backward)")) << msg;
  EXPECT_TRUE(has(msg, "'sqrt' was made by leaf f64[2] -> sqrt")) << msg;
}

TEST(IntrospectAnomaly, BackwardCheckNamesDivWhenForwardWasUnchecked) {
  Tensor a = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor y = sum(a / tensor<double>({1.0, 0.0}));  // Inf, but anomaly mode was off
  AnomalyGuard anomaly;
  const std::string msg = error_of([&] { backward(y); });
  EXPECT_TRUE(has(msg, "in the gradient for input 0 of 'div'")) << msg;
}

TEST(IntrospectAnomaly, NothingThrowsWithoutAnomalyMode) {
  Tensor x = tensor<double>({0.0, -1.0}).requires_grad_();
  Tensor y;
  EXPECT_NO_THROW(y = sum(log(x) + sqrt(x)));
  EXPECT_TRUE(std::isnan(y.item()));
  EXPECT_NO_THROW(backward(y));
  EXPECT_TRUE(std::isinf(x.grad().data<double>()[0]));
  EXPECT_FALSE(anomaly_enabled());
}

TEST(IntrospectAnomaly, OpsNotRecordedAreNotChecked) {
  AnomalyGuard anomaly;
  EXPECT_NO_THROW(log(tensor<double>({-1.0})));  // no input requires grad
}

TEST(IntrospectAnomaly, GuardRestoresAndOriginIsAShortChain) {
  {
    AnomalyGuard on;
    EXPECT_TRUE(anomaly_enabled());
    {
      AnomalyGuard off(false);
      EXPECT_FALSE(anomaly_enabled());
    }
    EXPECT_TRUE(anomaly_enabled());
    Tensor y = tensor<double>({0.5}).requires_grad_();
    for (int i = 0; i < 10; ++i) y = tanh(y);
    EXPECT_EQ(y.grad_fn()->origin, "... -> tanh -> tanh -> tanh -> tanh -> tanh -> tanh");
    Tensor z = exp(tensor<double>({1.0}).requires_grad_());
    EXPECT_EQ(z.grad_fn()->origin, "leaf f64[1] -> exp");
  }
  EXPECT_FALSE(anomaly_enabled());
  Tensor w = exp(tensor<double>({1.0}).requires_grad_());
  EXPECT_EQ(w.grad_fn()->origin, "");  // kept only in anomaly mode
}

}  // namespace
}  // namespace nabla
