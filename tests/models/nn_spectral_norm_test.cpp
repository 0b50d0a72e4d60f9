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

Eigen::VectorXd to_eigen(const Tensor& t) {
  const auto v = to_vector<double>(t);
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

// Miyato et al. (2018), Algorithm 1, computed in Eigen: from the stored u,
// n rounds of v = W^T u / |W^T u|, u = W v / |W v|; sigma = u^T W v.
TEST(NnSpectralNorm, PowerIterationMatchesReference) {
  for (int iters : {1, 3}) {
    Generator gen(23);
    auto conv = std::make_shared<Conv2d>(2, 3, std::array<int64_t, 2>{2, 2}, ConvOptions{}, DType::f64, &gen);
    SpectralNorm sn(conv, "weight", iters, 1e-12, -1, &gen);
    const Tensor w = conv->get("weight_orig");
    const auto wv = to_vector<double>(w);
    const Eigen::MatrixXd W = Eigen::Map<const Eigen::Matrix<double, 3, 8, Eigen::RowMajor>>(wv.data());
    Eigen::VectorXd u = to_eigen(conv->get("weight_u")), v;
    for (int step = 0; step < 2; ++step) {  // the second forward starts from the persisted u
      for (int i = 0; i < iters; ++i) {
        v = (W.transpose() * u).normalized();
        u = (W * v).normalized();
      }
      Tensor x = randn({1, 2, 3, 3}, DType::f64, &gen);
      Tensor y = sn.forward(x);
      const double sigma = u.dot(W * v);
      EXPECT_NEAR(sn.sigma().item(), sigma, 1e-14) << iters << " iterations, forward " << step;
      EXPECT_LT((to_eigen(conv->get("weight_u")) - u).norm(), 1e-14);
      EXPECT_LT((to_eigen(conv->get("weight_v")) - v).norm(), 1e-14);
      EXPECT_TRUE(allclose(y, conv2d(x, w / sigma, conv->get("bias")), 1e-12, 1e-14));
    }
  }
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
