// Flow layers: exact zero log-determinant of additive coupling, inverses that
// reproduce their input, and every log-determinant against a brute-force
// log|det J| of the full Jacobian (autograd's jacobian, Eigen's determinant).
#include <gtest/gtest.h>

#include <Eigen/LU>
#include <cmath>
#include <functional>

#include "autograd/nabla.h"
#include "models/flow/conv1x1.h"
#include "models/flow/coupling.h"
#include "models/flow/nice.h"
#include "models/flow/realnvp.h"
#include "models/nn/nn.h"
#include "tests/testing.h"

namespace nabla::flow {
namespace {

using nabla::testing::allclose;

// Every parameter moved off its initial value (couplings start as the
// identity; a brute-force check of the identity proves little).
void perturb(nn::Module& m, uint64_t seed) {
  Generator gen(seed);
  NoGradGuard no_grad;
  for (const Tensor& p : m.parameters()) add_(p, randn(p.shape(), p.dtype(), &gen), 0.3);
}

// log|det d f(x) / d x| of one example x [1, ...] by the full Jacobian.
double brute_force_logdet(const std::function<Tensor(const Tensor&)>& f, const Tensor& x) {
  const Tensor j = jacobian([&](const Tensor& in) { return flatten(f(in)); }, x);
  const int64_t d = x.numel();
  const auto v = to_vector<double>(j);
  EXPECT_EQ(static_cast<int64_t>(v.size()), d * d);
  Eigen::MatrixXd m(d, d);
  for (int64_t r = 0; r < d; ++r)
    for (int64_t c = 0; c < d; ++c) m(r, c) = v[r * d + c];
  return std::log(std::abs(m.partialPivLu().determinant()));
}

void expect_logdet_matches_jacobian(FlowLayer& layer, const Tensor& x) {
  const double model = layer.transform(x).logdet.item();
  const double brute = brute_force_logdet([&](const Tensor& in) { return layer.transform(in).z; }, x);
  EXPECT_NEAR(model, brute, 1e-9 * (1 + std::abs(brute))) << layer.type_name();
}

void expect_inverse(FlowLayer& layer, const Tensor& x, double tol) {
  const Tensor z = layer.transform(x).z;
  EXPECT_TRUE(allclose(layer.inverse(z), x, tol, tol)) << layer.type_name();
}

std::shared_ptr<nn::Sequential> small_mlp(int64_t d, Generator* gen) {
  return std::make_shared<nn::Sequential>(std::vector<nn::ModulePtr>{
      std::make_shared<nn::Linear>(d, 8, true, Options{}, gen), std::make_shared<nn::ReLU>(),
      std::make_shared<nn::Linear>(8, d, true, Options{}, gen)});
}

TEST(FlowLayers, AdditiveCouplingLogDetIsExactlyZeroAndItInverts) {
  Generator gen(1);
  for (int parity : {0, 1}) {
    AdditiveCoupling c(small_mlp(6, &gen), parity);
    const Tensor x = randn({5, 12}, {}, &gen);
    const FlowOut o = c.transform(x);
    for (double v : to_vector<double>(o.logdet)) EXPECT_EQ(v, 0.0);
    EXPECT_FALSE(allclose(o.z, x));  // it did move half of the coordinates
    EXPECT_TRUE(allclose(c.inverse(o.z), x, 1e-6, 1e-6));
    // The kept half passes bit for bit.
    const auto xs = to_vector<float>(x), zs = to_vector<float>(o.z);
    for (size_t i = parity; i < xs.size(); i += 2) EXPECT_EQ(xs[i], zs[i]);
  }
}

TEST(FlowLayers, NiceInvertsAndItsLogDetMatchesTheJacobian) {
  Generator gen(2);
  NiceOptions o;
  o.hidden = 8;
  o.hidden_layers = 2;
  auto net = make_nice({1, 4, 4}, o, &gen);
  perturb(*net, 3);
  const Tensor x = rand({3, 1, 4, 4}, {}, &gen);
  EXPECT_TRUE(allclose(net->decode(net->encode(x).z), x, 1e-5, 1e-5));
  net->to(DType::f64);
  const Tensor x1 = rand({1, 1, 4, 4}, DType::f64, &gen);
  const double brute = brute_force_logdet([&](const Tensor& in) { return net->encode(in).z; }, x1);
  EXPECT_NEAR(net->encode(x1).logdet.item(), brute, 1e-9);
  EXPECT_GT(std::abs(brute), 0.1);  // the scaling layer's sum(s) is not zero after perturb
}

TEST(FlowLayers, AffineCouplingsMatchTheJacobianAndInvert) {
  Generator gen(4);
  for (Mask mask : {Mask::checkerboard, Mask::channel})
    for (int parity : {0, 1}) {
      const int64_t in = mask == Mask::channel ? 2 : 4;
      AffineCoupling c(st_resnet(in, in, 4, 1, &gen), mask, parity, 4);
      perturb(c, 5 + parity);
      c.to(DType::f64);
      const Tensor x = randn({1, 4, 2, 2}, DType::f64, &gen);
      expect_logdet_matches_jacobian(c, x);
      EXPECT_GT(std::abs(c.transform(x).logdet.item()), 1e-3);
      expect_inverse(c, randn({3, 4, 2, 2}, DType::f64, &gen), 1e-10);
    }
}

TEST(FlowLayers, SqueezeActNormLogitAndConv1x1MatchTheJacobianAndInvert) {
  Generator gen(6);
  Squeeze squeeze;
  const Tensor x = randn({1, 2, 4, 2}, DType::f64, &gen);
  EXPECT_EQ(squeeze.transform(x).z.shape(), (Shape{1, 8, 2, 1}));
  expect_logdet_matches_jacobian(squeeze, x);
  expect_inverse(squeeze, randn({2, 2, 4, 2}, DType::f64, &gen), 0);
  // Channel c, position (i, j) of patch (h, w) goes to channel 4c + 2i + j.
  const Tensor r = arange(0, 16, 1, DType::f64);
  const auto s = to_vector<double>(squeeze.transform(reshape(r, {1, 1, 4, 4})).z);
  EXPECT_EQ(s, (std::vector<double>{0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15}));

  ActNorm act(3);
  act.to(DType::f64);
  const Tensor batch = 2.0 + 3.0 * randn({8, 3, 2, 2}, DType::f64, &gen);
  const Tensor normed = act.transform(batch).z;  // data-dependent init
  EXPECT_TRUE(allclose(mean(normed, {0, 2, 3}), zeros({3}, DType::f64), 0, 1e-9));
  expect_logdet_matches_jacobian(act, randn({1, 3, 2, 2}, DType::f64, &gen));
  expect_inverse(act, batch, 1e-10);

  LogitTransform logit;
  const Tensor y = rand({1, 2, 2, 2}, DType::f64, &gen);
  expect_logdet_matches_jacobian(logit, y);
  expect_inverse(logit, y, 1e-10);

  InvertibleConv1x1 conv(4, &gen);
  perturb(conv, 7);
  conv.to(DType::f64);
  const Tensor xc = randn({1, 4, 2, 1}, DType::f64, &gen);
  expect_logdet_matches_jacobian(conv, xc);
  expect_inverse(conv, randn({2, 4, 3, 3}, DType::f64, &gen), 1e-9);
}

// At init W is a rotation: |det W| = 1.
TEST(FlowLayers, Conv1x1StartsAsARotation) {
  Generator gen(8);
  InvertibleConv1x1 conv(5, &gen);
  const Tensor w = conv.weight();
  EXPECT_TRUE(allclose(matmul(w, t(w)), eye(5), 1e-5, 1e-5));
  EXPECT_NEAR(sum(conv.get("log_s")).item(), 0.0, 1e-5);
}

// The direct parametrisation starts from the same rotation; with W set to
// the LU layer's perturbed W, both give the brute-force log|det J| (= H W
// log|det W|), and the direct one inverts.
TEST(FlowLayers, Conv1x1DirectAndLuLogDetsBothMatchTheJacobian) {
  Generator g1(12), g2(12), gen(13);
  InvertibleConv1x1 lu(4, &g1, Conv1x1Param::lu);
  InvertibleConv1x1 direct(4, &g2, Conv1x1Param::direct);
  EXPECT_TRUE(allclose(direct.weight(), lu.weight(), 1e-6, 1e-6));
  perturb(lu, 14);
  lu.to(DType::f64);
  direct.to(DType::f64);
  {
    NoGradGuard no_grad;
    copy_(direct.get("weight"), lu.weight());
  }
  EXPECT_EQ(direct.named_parameters().size(), 1u);
  const Tensor x = randn({1, 4, 2, 3}, DType::f64, &gen);
  expect_logdet_matches_jacobian(lu, x);
  expect_logdet_matches_jacobian(direct, x);
  EXPECT_NEAR(direct.transform(x).logdet.item(), lu.transform(x).logdet.item(), 1e-10);
  EXPECT_GT(std::abs(lu.transform(x).logdet.item()), 0.1);  // perturbed off the rotation
  expect_inverse(direct, randn({2, 4, 3, 3}, DType::f64, &gen), 1e-9);
}

TEST(FlowLayers, RealNvpWithConv1x1InvertsAndMatchesTheJacobian) {
  for (Conv1x1Param param : {Conv1x1Param::lu, Conv1x1Param::direct}) {
    SCOPED_TRACE(param == Conv1x1Param::lu ? "lu" : "direct");
    Generator gen(9);
    RealNvpOptions o;
    o.width = 4;
    o.conv1x1 = true;
    o.conv1x1_param = param;
    auto net = make_realnvp({1, 4, 4}, o, &gen);
    perturb(*net, 10);
    net->to(DType::f64);
    net->log_prob(rand({8, 1, 4, 4}, DType::f64, &gen));  // ActNorm's data-dependent init
    net->eval();
    const Tensor x = rand({3, 1, 4, 4}, DType::f64, &gen);
    const FlowOut e = net->encode(x);
    EXPECT_EQ(e.z.shape(), (Shape{3, 16}));
    EXPECT_TRUE(allclose(net->decode(e.z), x, 1e-9, 1e-9));
    const Tensor x1 = slice(x, 0, 0, 1);
    const double brute = brute_force_logdet([&](const Tensor& in) { return net->encode(in).z; }, x1);
    EXPECT_NEAR(net->encode(x1).logdet.item(), brute, 1e-8 * (1 + std::abs(brute)));
  }
}

}  // namespace
}  // namespace nabla::flow
