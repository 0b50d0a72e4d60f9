#include "core/elementwise.h"

#include <cmath>
#include <functional>

#include "core/random.h"
#include "core/views.h"
#include "tests/testing.h"

namespace nabla::prim {
namespace {

using nabla::testing::allclose;
using nabla::testing::noncontiguous;

// Applies f to every element on the host: the reference for the kernels.
Tensor reference(const Tensor& x, const std::function<double(double)>& f) {
  auto v = to_vector<double>(x);
  for (double& e : v) e = f(e);
  return prim::to(tensor<double>(v, x.shape()), x.dtype());
}

struct UnaryCase {
  Unary op;
  UnaryArgs args;
  std::function<double(double)> f;
};

std::vector<UnaryCase> unary_cases() {
  return {
      {Unary::neg, {}, [](double x) { return -x; }},
      {Unary::exp, {}, [](double x) { return std::exp(x); }},
      {Unary::log, {}, [](double x) { return std::log(std::abs(x) + 0.5); }},
      {Unary::log1p, {}, [](double x) { return std::log1p(std::abs(x)); }},
      {Unary::expm1, {}, [](double x) { return std::expm1(x); }},
      {Unary::sqrt, {}, [](double x) { return std::sqrt(std::abs(x) + 0.5); }},
      {Unary::rsqrt, {}, [](double x) { return 1 / std::sqrt(std::abs(x) + 0.5); }},
      {Unary::abs, {}, [](double x) { return std::abs(x); }},
      {Unary::sign, {}, [](double x) { return double((x > 0) - (x < 0)); }},
      {Unary::sin, {}, [](double x) { return std::sin(x); }},
      {Unary::cos, {}, [](double x) { return std::cos(x); }},
      {Unary::tanh, {}, [](double x) { return std::tanh(x); }},
      {Unary::sigmoid, {}, [](double x) { return 1 / (1 + std::exp(-x)); }},
      {Unary::relu, {}, [](double x) { return x > 0 ? x : 0; }},
      {Unary::leaky_relu, {0.2}, [](double x) { return x > 0 ? x : 0.2 * x; }},
      {Unary::elu, {1.5}, [](double x) { return x > 0 ? x : 1.5 * std::expm1(x); }},
      {Unary::softplus, {2.0, 20.0}, [](double x) { return std::log1p(std::exp(2 * x)) / 2; }},
      {Unary::square, {}, [](double x) { return x * x; }},
      {Unary::pow_scalar, {3.0}, [](double x) { return x * x * x; }},
      {Unary::clamp, {-0.5, 0.7}, [](double x) { return std::min(std::max(x, -0.5), 0.7); }},
      {Unary::reciprocal, {}, [](double x) { return 1 / (std::abs(x) + 0.5); }},
  };
}

// Inputs are made positive where the op needs it (log, sqrt, ...), as in the reference.
Tensor domain_input(Unary op, const Tensor& x) {
  if (op == Unary::log || op == Unary::sqrt || op == Unary::rsqrt || op == Unary::reciprocal)
    return binary(Binary::add, unary(Unary::abs, x), full({}, 0.5, Options::like(x)));
  if (op == Unary::log1p) return unary(Unary::abs, x);
  return x;
}

TEST(Elementwise, UnaryMatchesReferenceOnContiguousAndStrided) {
  Generator g(11);
  for (DType t : {DType::f32, DType::f64}) {
    for (const auto& c : unary_cases()) {
      Tensor raw = randn({5, 7}, t, &g);
      for (Tensor x : {raw, noncontiguous(raw), prim::slice(raw, 1, 0, 7, 3)}) {
        Tensor out = unary(c.op, domain_input(c.op, x), c.args);
        EXPECT_TRUE(allclose(out, reference(x, c.f), 1e-5, 1e-6)) << kernels::name(c.op) << " " << name(t);
      }
    }
  }
}

TEST(Elementwise, SigmoidAndSoftplusAreStableAtExtremes) {
  Tensor x = tensor<float>({-1000.0f, 1000.0f});
  EXPECT_TRUE(allclose(unary(Unary::sigmoid, x), tensor<float>({0.0f, 1.0f})));
  EXPECT_TRUE(allclose(unary(Unary::softplus, x, {1.0, 20.0}), tensor<float>({0.0f, 1000.0f})));
}

TEST(Elementwise, BinaryBroadcastsLikeNumPy) {
  Tensor a = tensor<double>({1, 2, 3}, {3, 1});
  Tensor b = tensor<double>({10, 20}, {2});
  Tensor s = binary(Binary::add, a, b);
  EXPECT_EQ(s.shape(), (Shape{3, 2}));
  EXPECT_TRUE(allclose(s, tensor<double>({11, 21, 12, 22, 13, 23}, {3, 2})));
  EXPECT_TRUE(allclose(binary(Binary::sub, a, b), tensor<double>({-9, -19, -8, -18, -7, -17}, {3, 2})));
  EXPECT_TRUE(allclose(binary(Binary::div, b, a), tensor<double>({10, 20, 5, 10, 10.0 / 3, 20.0 / 3}, {3, 2})));
  EXPECT_TRUE(allclose(binary(Binary::pow, a, b), tensor<double>({1, 1, 1024, 1048576, 59049, 3486784401.0}, {3, 2})));
  EXPECT_TRUE(allclose(binary(Binary::maximum, a, full({}, 2.0, DType::f64)), tensor<double>({2, 2, 3}, {3, 1})));
  EXPECT_TRUE(allclose(binary(Binary::minimum, a, full({}, 2.0, DType::f64)), tensor<double>({1, 2, 2}, {3, 1})));
}

TEST(Elementwise, BinaryOnNonContiguousOperands) {
  Generator g(12);
  Tensor a = randn({4, 6}, {}, &g), b = randn({4, 6}, {}, &g);
  Tensor expect = binary(Binary::mul, a, b);
  EXPECT_TRUE(allclose(binary(Binary::mul, noncontiguous(a), noncontiguous(b)), expect));
  EXPECT_TRUE(allclose(binary(Binary::mul, a, noncontiguous(b)), expect));
}

TEST(Elementwise, MaximumPropagatesNaN) {
  Tensor a = tensor<float>({NAN, 1.0f});
  Tensor b = tensor<float>({0.0f, NAN});
  auto m = to_vector<float>(binary(Binary::maximum, a, b));
  EXPECT_TRUE(std::isnan(m[0]));
  EXPECT_TRUE(std::isnan(m[1]));
}

TEST(Elementwise, IntegerOps) {
  Tensor a = tensor<int64_t>({-3, 0, 5});
  Tensor b = tensor<int64_t>({2, 2, 2});
  EXPECT_EQ(to_vector<int64_t>(binary(Binary::mul, a, b)), (std::vector<int64_t>{-6, 0, 10}));
  EXPECT_EQ(to_vector<int64_t>(unary(Unary::abs, a)), (std::vector<int64_t>{3, 0, 5}));
  EXPECT_EQ(to_vector<int64_t>(unary(Unary::clamp, a, {-1, 1})), (std::vector<int64_t>{-1, 0, 1}));
  EXPECT_THROW(unary(Unary::exp, a), std::invalid_argument);
  EXPECT_THROW(binary(Binary::div, a, b), std::invalid_argument);
}

TEST(Elementwise, ComparisonsGiveBool) {
  Tensor a = tensor<float>({1, 2, 3});
  Tensor b = tensor<float>({2, 2, 2});
  EXPECT_EQ(compare(Compare::lt, a, b).dtype(), DType::b8);
  EXPECT_EQ(to_vector<bool>(compare(Compare::lt, a, b)), (std::vector<bool>{true, false, false}));
  EXPECT_EQ(to_vector<bool>(compare(Compare::ge, a, b)), (std::vector<bool>{false, true, true}));
  EXPECT_EQ(to_vector<bool>(compare(Compare::eq, a, b)), (std::vector<bool>{false, true, false}));
  EXPECT_EQ(to_vector<bool>(compare(Compare::ne, a, b)), (std::vector<bool>{true, false, true}));
}

TEST(Elementwise, WhereBroadcastsAllThree) {
  Tensor cond = tensor<bool>({true, false}, {2, 1});
  Tensor out = prim::where(cond, tensor<float>({1, 2, 3}), full({}, -1.0));
  EXPECT_TRUE(allclose(out, tensor<float>({1, 2, 3, -1, -1, -1}, {2, 3})));
  EXPECT_THROW(prim::where(tensor<float>({1}), tensor<float>({1}), tensor<float>({1})), std::invalid_argument);
}

TEST(Elementwise, ErrorsNameTheOpAndShapes) {
  try {
    binary(Binary::add, zeros({2, 3}), zeros({4}));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "add: shapes [2, 3] and [4] cannot be broadcast together");
  }
  EXPECT_THROW_MESSAGE(binary(Binary::mul, zeros({2}), zeros({2}, DType::f64)), std::invalid_argument,
                       "mul: expected tensors of one dtype, got f32[2], f64[2]");
  EXPECT_THROW(binary(Binary::add, zeros({2}), Tensor()), std::invalid_argument);
}

TEST(Elementwise, InPlaceUpdateBumpsVersionAndRejectsBroadcastTarget) {
  Tensor a = ones({3});
  const uint64_t v = a.version();
  binary_(Binary::add, a, full({}, 2.0));
  EXPECT_EQ(to_vector<float>(a), (std::vector<float>{3, 3, 3}));
  EXPECT_GT(a.version(), v);
  EXPECT_THROW(binary_(Binary::add, prim::expand(ones({1}), {3}), ones({3})), std::invalid_argument);
}

TEST(Elementwise, LargeInputsUseThreadsAndStayExact) {
  Tensor x = prim::to(arange(300000), DType::f64);
  auto y = to_vector<double>(binary(Binary::mul, x, full({}, 2.0, DType::f64)));
  for (size_t i = 0; i < y.size(); i += 9973) ASSERT_EQ(y[i], 2.0 * i);
}

}  // namespace
}  // namespace nabla::prim
