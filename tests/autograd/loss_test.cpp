#include "autograd/loss.h"

#include <cmath>

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;
using testing::random;

const testing::RandomOptions kUniform{.uniform = true};  // U[0, 1)

TEST(BceWithLogitsGrad, GradcheckInLogitsTargetsAndPosWeight) {
  const Tensor x = random({3, 4}, 1), t = random({3, 4}, 2, kUniform), pw = random({4}, 3, kUniform);
  for (Reduction r : {Reduction::none, Reduction::mean, Reduction::sum}) {
    auto f = [r](const std::vector<Tensor>& in) {
      return std::vector<Tensor>{binary_cross_entropy_with_logits(in[0], in[1], r)};
    };
    EXPECT_GRADCHECK(gradcheck(f, {x, t}));
  }
  auto fw = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{binary_cross_entropy_with_logits(in[0], in[1], Reduction::none, in[2])};
  };
  EXPECT_GRADCHECK(gradcheck(fw, {noncontiguous(x).requires_grad_(), t, pw}));
}

TEST(BceWithLogitsGrad, GradientIsSigmoidMinusTargetEvenAtExtremes) {
  Tensor x = tensor<double>({100.0, -100.0, 0.0, 2.0}).requires_grad_();
  const Tensor t = tensor<double>({0.0, 1.0, 1.0, 0.25});
  backward(binary_cross_entropy_with_logits(x, t, Reduction::sum));
  const double s2 = 1 / (1 + std::exp(-2.0));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({1.0, -1.0, -0.5, s2 - 0.25}), 1e-12, 1e-12));
}

TEST(BceWithLogitsGrad, Gradgradcheck) {
  const Tensor x = random({2, 3}, 4), t = random({2, 3}, 5, kUniform), pw = random({3}, 6, kUniform);
  auto f = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{binary_cross_entropy_with_logits(in[0], in[1], Reduction::sum)};
  };
  EXPECT_GRADCHECK(gradgradcheck(f, {x, t}));
  auto fw = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{binary_cross_entropy_with_logits(in[0], in[1], Reduction::none, in[2])};
  };
  EXPECT_GRADCHECK(gradgradcheck(fw, {x, t, pw}));
}

TEST(CrossEntropyGrad, GradientIsSoftmaxMinusOneHotOverN) {
  Tensor x = tensor<double>({1.0, 2.0, 3.0, 100.0, -100.0, 0.0}, {2, 3}).requires_grad_();
  const Tensor t = tensor<int64_t>({0, 1});
  backward(cross_entropy(x, t));
  const double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  const std::vector<double> want = {(std::exp(1.0) / z - 1) / 2, std::exp(2.0) / z / 2, std::exp(3.0) / z / 2,
                                    0.5, -0.5, 0.0};
  EXPECT_TRUE(allclose(x.grad(), tensor<double>(want, {2, 3}), 1e-12, 1e-12));
}

TEST(CrossEntropyGrad, Gradcheck) {
  const Tensor x = random({4, 3}, 7);
  const Tensor t = tensor<int64_t>({2, 0, 1, 2});
  for (Reduction r : {Reduction::none, Reduction::mean, Reduction::sum})
    EXPECT_GRADCHECK(gradcheck([&](const Tensor& x) { return cross_entropy(x, t, r); }, x));
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& x) { return cross_entropy(x, t, Reduction::mean, 0.1); },
                             noncontiguous(x).requires_grad_()));
  const Tensor xs = random({2, 3, 2}, 8);
  const Tensor ts = tensor<int64_t>({0, 2, 1, 1}, {2, 2});
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& x) { return cross_entropy(x, ts, Reduction::none); }, xs));
  const Tensor unbatched = prim::reshape(tensor<int64_t>({1}), {});  // [C] logits, 0-d target
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& x) { return cross_entropy(x, unbatched); }, random({4}, 9)));
}

TEST(CrossEntropyGrad, Gradgradcheck) {
  const Tensor t = tensor<int64_t>({2, 0, 1});
  EXPECT_GRADCHECK(
      gradgradcheck([&](const Tensor& x) { return cross_entropy(x, t, Reduction::sum); }, random({3, 3}, 10)));
  EXPECT_GRADCHECK(gradgradcheck([&](const Tensor& x) { return cross_entropy(x, t, Reduction::none, 0.2); },
                                 noncontiguous(random({3, 3}, 11)).requires_grad_()));
  const Tensor ts = tensor<int64_t>({0, 2, 1, 1}, {2, 2});
  EXPECT_GRADCHECK(gradgradcheck([&](const Tensor& x) { return cross_entropy(x, ts); }, random({2, 3, 2}, 12)));
}

TEST(CrossEntropyGrad, SecondDerivativeIsSoftmaxJacobian) {
  // d^2/dx^2 of the loss of one row is diag(p) - p p^T, independent of the target.
  Tensor x = tensor<double>({0.2, -0.4, 1.0}).requires_grad_();
  const Tensor t = prim::reshape(tensor<int64_t>({2}), {});
  const Tensor g = grad({cross_entropy(x, t)}, {x}, {}, {.create_graph = true})[0];
  const Tensor h0 = grad({select(g, 0, 0)}, {x})[0];  // first row of the Hessian
  const auto xv = to_vector<double>(x);
  const double z = std::exp(xv[0]) + std::exp(xv[1]) + std::exp(xv[2]);
  const double p0 = std::exp(xv[0]) / z, p1 = std::exp(xv[1]) / z, p2 = std::exp(xv[2]) / z;
  EXPECT_TRUE(allclose(h0, tensor<double>({p0 - p0 * p0, -p0 * p1, -p0 * p2}), 1e-10, 1e-12));
}

TEST(CrossEntropyGrad, Float32MatchesFloat64) {
  const Tensor x = random({3, 4}, 16, {.requires_grad = false});
  const Tensor t = tensor<int64_t>({3, 0, 1});
  auto grad_of = [&](DType dt) {
    Tensor xl = noncontiguous(prim::to(x, dt)).requires_grad_();
    backward(cross_entropy(xl, t, Reduction::mean, 0.1));
    return xl.grad();
  };
  EXPECT_TRUE(allclose(grad_of(DType::f32), prim::to(grad_of(DType::f64), DType::f32), 1e-5, 1e-6));
}

TEST(NllLossGrad, GradcheckAndValue) {
  const Tensor t = tensor<int64_t>({1, 0, 2});
  const Tensor lp = random({3, 3}, 13);
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& x) { return nll_loss(x, t); }, lp));
  EXPECT_GRADCHECK(gradcheck([&](const Tensor& x) { return nll_loss(x, t, Reduction::none); },
                             noncontiguous(lp).requires_grad_()));
  Tensor x = detach(lp).requires_grad_();
  backward(nll_loss(x, t, Reduction::sum));
  EXPECT_TRUE(allclose(x.grad(), tensor<double>({0, -1, 0, -1, 0, 0, 0, 0, -1}, {3, 3})));
}

TEST(RegressionLossGrad, MseAndL1Gradcheck) {
  const Tensor a = random({2, 3}, 14), b = random({2, 3}, 15);
  for (Reduction r : {Reduction::none, Reduction::mean, Reduction::sum}) {
    auto mse = [r](const std::vector<Tensor>& in) { return std::vector<Tensor>{mse_loss(in[0], in[1], r)}; };
    auto l1 = [r](const std::vector<Tensor>& in) { return std::vector<Tensor>{l1_loss(in[0], in[1], r)}; };
    EXPECT_GRADCHECK(gradcheck(mse, {a, b}));
    EXPECT_GRADCHECK(gradcheck(l1, {noncontiguous(a).requires_grad_(), b}));
  }
  auto mse = [](const std::vector<Tensor>& in) { return std::vector<Tensor>{mse_loss(in[0], in[1])}; };
  EXPECT_GRADCHECK(gradgradcheck(mse, {a, b}));
}

TEST(RegressionLossGrad, L1SubgradientIsZeroAtZero) {
  Tensor a = tensor<double>({1.0, 2.0, 3.0}).requires_grad_();
  backward(l1_loss(a, tensor<double>({1.0, 0.0, 5.0}), Reduction::sum));
  EXPECT_TRUE(allclose(a.grad(), tensor<double>({0.0, 1.0, -1.0})));
  EXPECT_THROW(mse_loss(zeros({2}), zeros({3})), std::invalid_argument);
}

}  // namespace
}  // namespace nabla
