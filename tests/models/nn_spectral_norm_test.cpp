#include <gtest/gtest.h>

#include <Eigen/Dense>

#include "models/nn/nn.h"
#include "tests/testing.h"

namespace nabla::nn {
namespace {

using testing::allclose;

// Singular values of a 2-D tensor, largest first, by Eigen's JacobiSVD.
Eigen::VectorXd singular_values(const Tensor& m) {
  const auto v = to_vector<double>(m);
  Eigen::MatrixXd a(m.size(0), m.size(1));
  for (int64_t i = 0; i < m.size(0); ++i)
    for (int64_t j = 0; j < m.size(1); ++j) a(i, j) = v[i * m.size(1) + j];
  return Eigen::JacobiSVD<Eigen::MatrixXd>(a).singularValues();
}

TEST(NnSpectralNorm, SigmaConvergesToLargestSingularValue) {
  Generator gen(20);
  auto lin = std::make_shared<Linear>(5, 7, true, DType::f64, &gen);
  SpectralNorm sn(lin, "weight", 1, 1e-12, -1, &gen);
  const Tensor w = lin->get("weight_orig");
  const double sigma1 = singular_values(w)(0);
  Tensor x = randn({3, 5}, DType::f64, &gen);
  for (int i = 0; i < 200; ++i) sn.forward(x);
  EXPECT_NEAR(sn.sigma().item(), sigma1, 1e-8 * sigma1);
  const Tensor wn = lin->get("weight");  // the normalised weight
  EXPECT_NEAR(singular_values(wn)(0), 1.0, 1e-8);
  EXPECT_TRUE(allclose(sn.forward(x), linear(x, w / sigma1, lin->get("bias")), 1e-8, 1e-10));
}

TEST(NnSpectralNorm, NamesBuffersAndEvalFreezesU) {
  Generator gen(21);
  auto seq = std::make_shared<Sequential>(std::vector<ModulePtr>{std::make_shared<SpectralNorm>(
      std::make_shared<Conv2d>(2, 3, std::array<int64_t, 2>{3, 3}, ConvOptions{}, Options{}, &gen))});
  std::vector<std::string> names;
  for (const auto& [n, t] : seq->state_dict()) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"0.bias", "0.weight_orig", "0.weight_u", "0.weight_v"}));
  EXPECT_EQ(seq->state_dict()[2].second.shape(), (Shape{3}));
  EXPECT_EQ(seq->state_dict()[3].second.shape(), (Shape{18}));
  Tensor x = randn({1, 2, 5, 5}, {}, &gen);
  seq->forward(x);
  const Tensor u = clone(seq->state_dict()[2].second);
  seq->eval();
  seq->forward(x);
  EXPECT_TRUE(allclose(seq->state_dict()[2].second, u, 0, 0));
  seq->train();
  seq->forward(x);
  EXPECT_FALSE(allclose(seq->state_dict()[2].second, u, 0, 0));
}

TEST(NnSpectralNorm, GradientFlowsThroughWeightNotU) {
  Generator gen(22);
  auto lin = std::make_shared<Linear>(3, 4, false, DType::f64, &gen);
  SpectralNorm sn(lin, "weight", 1, 1e-12, -1, &gen);
  Tensor x = randn({2, 3}, DType::f64, &gen);
  sn.eval();  // fixed u, v: the map W -> linear(x, W / (u^T W v)) is what gradcheck sees
  const Tensor w = lin->get("weight_orig");
  const Tensor u = lin->get("weight_u"), v = lin->get("weight_v");
  backward(sum(square(sn.forward(x))));
  EXPECT_FALSE(u.grad().defined());
  Tensor w0 = detach(clone(w)).requires_grad_();
  auto f = [&](const std::vector<Tensor>& in) {
    Tensor sigma = sum(u * matmul(in[0], v));
    return sum(square(linear(x, in[0] / sigma)));
  };
  Tensor expected = grad({f({w0})}, {w0})[0];
  EXPECT_TRUE(allclose(w.grad(), expected, 1e-10, 1e-12));
}

TEST(NnSpectralNorm, TransposedConvUsesDim1) {
  auto deconv = std::make_shared<ConvTranspose2d>(4, 2, std::array<int64_t, 2>{3, 3});
  SpectralNorm sn(deconv);
  EXPECT_EQ(deconv->get("weight_u").shape(), (Shape{2}));
  EXPECT_EQ(deconv->get("weight_v").shape(), (Shape{36}));
  EXPECT_THROW(SpectralNorm(std::make_shared<ReLU>()), std::invalid_argument);
}

}  // namespace
}  // namespace nabla::nn
