// Gradients of the reductions: gradcheck (float64) of every differentiable
// one, on contiguous and strided inputs; gradgradcheck of the second-order
// ones; hand-computed gradients at ties, zeros and -inf.
#include "autograd/reduce.h"

#include <cmath>
#include <functional>
#include <limits>
#include <string>

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using Reduction = std::function<Tensor(const Tensor&, const Dims&, bool)>;

// x of shape [4, 3, 2] and what each check sees: x itself, and x seen
// through a transpose and a step-2 slice (both non-contiguous).
Tensor input(uint64_t seed, double low = -2, double high = 2) {
  return testing::random({4, 3, 2}, seed, {.uniform = true, .low = low, .high = high});
}
const std::function<Tensor(const Tensor&)> kLayouts[] = {
    [](const Tensor& x) { return x; },
    [](const Tensor& x) { return transpose(x, 0, 2); },
    [](const Tensor& x) { return slice(x, 0, 0, 4, 2); },
};
const Dims kDims[] = {{}, {1}, {0, 2}, {-1}};

void check_reduction(const std::string& name, const Reduction& f, const Tensor& x, bool second_order) {
  for (const auto& layout : kLayouts)
    for (const Dims& dims : kDims)
      for (bool keepdim : {false, true}) {
        auto fn = [&](const Tensor& t) { return f(layout(t), dims, keepdim); };
        SCOPED_TRACE(name + " dims " + str(dims) + " keepdim " + std::to_string(keepdim));
        EXPECT_GRADCHECK(gradcheck(fn, x));
        if (second_order) EXPECT_GRADCHECK(gradgradcheck(fn, x));
      }
}

TEST(ReduceGrad, SumAndMean) {
  check_reduction("sum", [](auto& x, auto& d, bool k) { return sum(x, d, k); }, input(1), true);
  check_reduction("mean", [](auto& x, auto& d, bool k) { return mean(x, d, k); }, input(2), true);
}

TEST(ReduceGrad, Logsumexp) {
  check_reduction("logsumexp", [](auto& x, auto& d, bool k) { return logsumexp(x, d, k); }, input(3), true);
}

TEST(ReduceGrad, VarAndStd) {
  check_reduction("var", [](auto& x, auto& d, bool k) { return var(x, d, k); }, input(4), true);
  check_reduction("var0", [](auto& x, auto& d, bool k) { return var(x, d, k, 0); }, input(5), true);
  check_reduction("std", [](auto& x, auto& d, bool k) { return std(x, d, k); }, input(6), false);
}

TEST(ReduceGrad, Norm) {
  check_reduction("norm2", [](auto& x, auto& d, bool k) { return norm(x, 2, d, k); }, input(7), true);
  check_reduction("norm1", [](auto& x, auto& d, bool k) { return norm(x, 1, d, k); }, input(8), false);
  check_reduction("norm3", [](auto& x, auto& d, bool k) { return norm(x, 3, d, k); }, input(9), false);
  check_reduction("norm0.5", [](auto& x, auto& d, bool k) { return norm(x, 0.5, d, k); }, input(10), false);
  check_reduction("norm_inf", [](auto& x, auto& d, bool k) { return norm(x, INFINITY, d, k); }, input(11),
                  false);
}

TEST(ReduceGrad, MaxMinProd) {
  check_reduction("max", [](auto& x, auto& d, bool k) { return max(x, d, k); }, input(12), false);
  check_reduction("min", [](auto& x, auto& d, bool k) { return min(x, d, k); }, input(13), false);
  check_reduction("max_with_indices",
                  [](auto& x, auto& d, bool k) { return max_with_indices(x, d, k).first; }, input(14), false);
  check_reduction("min_with_indices",
                  [](auto& x, auto& d, bool k) { return min_with_indices(x, d, k).first; }, input(16), false);
  check_reduction("prod", [](auto& x, auto& d, bool k) { return prod(x, d, k); }, input(15, 0.5, 1.5), true);
}

TEST(ReduceGrad, MaxSplitsTiesEvenly) {
  const Tensor x = tensor<double>({1, 3, 3, 2, 3, 0}, {2, 3}).requires_grad_();
  backward(sum(max(x, {1}) * tensor<double>({1, 10})));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({0, 0.5, 0.5, 0, 10, 0}, {2, 3})));
  const Tensor z = tensor<double>({-1, -5, -5}).requires_grad_();
  backward(min(z));
  EXPECT_TRUE(allclose(z.grad(), tensor<double>({0, 0.5, 0.5})));
}

TEST(ReduceGrad, ArgmaxHasNoGradientAndIndicesMatch) {
  const Tensor x = tensor<double>({1, 4, 2, 9, 0, 3}, {2, 3}).requires_grad_();
  const Tensor i = argmax(x, {1});
  EXPECT_FALSE(i.requires_grad());
  EXPECT_TRUE(allclose(i, tensor<int64_t>({1, 0})));
  const auto [v, j] = min_with_indices(x, {0}, true);
  EXPECT_TRUE(v.requires_grad());
  EXPECT_FALSE(j.requires_grad());
  EXPECT_TRUE(allclose(j, tensor<int64_t>({0, 1, 0}, {1, 3})));
  EXPECT_TRUE(allclose(argmin(x), scalar(4.0, DType::i64)));
}

TEST(ReduceGrad, ProdAtZeros) {
  const Tensor x = tensor<double>({2, 0, 3, 0, 0, 5, 2, 3, 4}, {3, 3}).requires_grad_();
  backward(sum(prod(x, {1})));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({0, 6, 0, 0, 0, 0, 12, 8, 6}, {3, 3})));
  // Second order with one, two and three zeros in a range.
  for (const Tensor& y : {tensor<double>({2, 0, 3, 1.5}), tensor<double>({2, 0, 0, 1.5}),
                          tensor<double>({0, 0, 0, 1.5})}) {
    y.requires_grad_();
    auto f = [](const Tensor& t) { return prod(reshape(t, {2, 2}), {0, 1}); };
    EXPECT_GRADCHECK(gradcheck(f, y));
    EXPECT_GRADCHECK(gradgradcheck(f, y));
  }
  // d^2 (a b c) / da db = c at b = 0.
  const Tensor a = tensor<double>({2, 0, 3}).requires_grad_();
  const Tensor ga = grad({prod(a)}, {a}, {}, {.create_graph = true})[0];
  EXPECT_TRUE(allclose(grad({select(ga, 0, 0)}, {a})[0], tensor<double>({0, 3, 0})));
}

TEST(ReduceGrad, NormAtTheOriginIsZero) {
  for (double p : {2.0, 1.0, 3.0, 0.5, double(INFINITY)}) {
    const Tensor x = zeros({2, 3}, DType::f64).requires_grad_();
    backward(norm(x, p));
    EXPECT_TRUE(allclose(x.grad(), zeros({2, 3}, DType::f64))) << "p = " << p;
  }
  // A zero row next to a non-zero one: only the non-zero row gets x / |x|.
  const Tensor y = tensor<double>({0, 0, 3, 4}, {2, 2}).requires_grad_();
  backward(sum(norm(y, 2, {1})));
  EXPECT_TRUE(allclose(y.grad(), tensor<double>({0, 0, 0.6, 0.8}, {2, 2})));
}

TEST(ReduceGrad, LogsumexpOfMinusInfinityRowHasZeroGradient) {
  const double inf = std::numeric_limits<double>::infinity();
  const Tensor x = tensor<double>({-inf, -inf, 0, 0}, {2, 2}).requires_grad_();
  const Tensor y = logsumexp(x, {1});
  EXPECT_EQ(y.data<double>()[0], -inf);
  backward(sum(y));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({0, 0, 0.5, 0.5}, {2, 2})));
}

TEST(ReduceGrad, MeanRejectsIntegers) {
  EXPECT_THROW_MESSAGE(mean(zeros({3}, DType::i64)), std::invalid_argument, "mean: expected a floating dtype");
  EXPECT_TRUE(allclose(mean(tensor<double>({1, 2, 6}, {1, 3}), {1}), tensor<double>({3})));
}

TEST(ReduceGrad, VarByHand) {
  // d var / d x_i = 2 (x_i - mean) / (n - 1).
  const Tensor x = tensor<double>({1, 2, 3, 6}).requires_grad_();
  backward(var(x));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({-4.0 / 3, -2.0 / 3, 0, 2})));
}

}  // namespace
}  // namespace nabla
