// End-to-end checks of the autograd API: a network trained by hand-written
// SGD, and the WGAN-GP gradient penalty differentiated twice.
#include "autograd/linalg.h"
#include "tests/testing.h"

namespace nabla {
namespace {

struct Mlp {
  std::vector<Tensor> params;  // w1, b1, w2, b2
  Tensor operator()(const Tensor& x) const {
    return sigmoid(linear(tanh(linear(x, params[0], params[1])), params[2], params[3]));
  }
};

Mlp make_mlp(int64_t in, int64_t hidden, int64_t out, Generator& g) {
  auto p = [&](Shape s) { return (randn(s, DType::f64, &g) * 0.5).requires_grad_(); };
  return {{p({hidden, in}), p({hidden}), p({out, hidden}), p({out})}};
}

TEST(Training, MlpLearnsXorWithPlainSgd) {
  Tensor x = tensor<double>({0, 0, 0, 1, 1, 0, 1, 1}, {4, 2});
  Tensor y = tensor<double>({0, 1, 1, 0}, {4, 1});
  Generator g(3);
  Mlp net = make_mlp(2, 8, 1, g);
  double first = 0, last = 0;
  for (int step = 0; step < 3000; ++step) {
    Tensor loss = mean(square(net(x) - y));
    if (step == 0) first = loss.item();
    last = loss.item();
    for (const Tensor& p : net.params) p.set_grad(Tensor());
    backward(loss);
    NoGradGuard no_grad;
    for (const Tensor& p : net.params) add_(p, p.grad(), -2.0);
  }
  EXPECT_GT(first, 0.1);
  EXPECT_LT(last, 0.005);
  auto pred = to_vector<double>(net(x));
  EXPECT_LT(pred[0], 0.2);
  EXPECT_GT(pred[1], 0.8);
  EXPECT_GT(pred[2], 0.8);
  EXPECT_LT(pred[3], 0.2);
}

// WGAN-GP (Gulrajani et al. 2017, eq. 3): lambda E[(||grad_x D(x_hat)||_2 - 1)^2]
// at x_hat = eps x_real + (1 - eps) x_fake, one eps per sample.
Tensor gradient_penalty(const std::vector<Tensor>& w, const Tensor& real, const Tensor& fake, const Tensor& eps) {
  auto critic = [&](const Tensor& x) {
    Tensor h = leaky_relu(linear(x, w[0], w[1]), 0.2);
    h = softplus(linear(h, w[2], w[3]));
    return linear(tanh(h), w[4], w[5]);
  };
  Tensor x_hat = detach(eps * real + (1.0 - eps) * fake).requires_grad_();
  Tensor d = critic(x_hat);
  Tensor g = grad({d}, {x_hat}, {ones_like(d)}, {.create_graph = true})[0];
  Tensor norm = sqrt(sum(square(g), {1}));
  return mean(square(norm - 1.0)) * 10.0;
}

TEST(Training, WganGpPenaltyGradientMatchesFiniteDifferences) {
  Generator g(5);
  auto p = [&](Shape s) { return randn(s, DType::f64, &g).requires_grad_(); };
  std::vector<Tensor> w = {p({5, 2}), p({5}), p({4, 5}), p({4}), p({1, 4}), p({1})};
  Tensor real = randn({6, 2}, DType::f64, &g), fake = randn({6, 2}, DType::f64, &g);
  Tensor eps = rand({6, 1}, DType::f64, &g);
  Fn penalty = [&](const std::vector<Tensor>& ws) {
    return std::vector<Tensor>{gradient_penalty(ws, real, fake, eps)};
  };
  EXPECT_GT(penalty(w)[0].item(), 0.0);
  EXPECT_GRADCHECK(gradcheck(penalty, w));
}

}  // namespace
}  // namespace nabla
