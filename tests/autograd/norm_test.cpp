#include "autograd/norm.h"

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::noncontiguous;
using testing::random;

// The gradient of sum(y * v) w.r.t. x, w, b for a fixed random v.
Fn weighted(std::function<Tensor(const std::vector<Tensor>&)> f, const Shape& out_shape) {
  const Tensor v = random(out_shape, 99, {.requires_grad = false});
  return [f, v](const std::vector<Tensor>& in) { return std::vector<Tensor>{f(in) * v}; };
}

TEST(BatchNormGrad, TrainingGradcheckWithAffine) {
  const Tensor x = random({4, 3}, 1), w = random({3}, 2), b = random({3}, 3);
  auto f = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{batch_norm(in[0], in[1], in[2], {}, {}, true)};
  };
  EXPECT_GRADCHECK(gradcheck(f, {x, w, b}));
  EXPECT_GRADCHECK(gradcheck(f, {noncontiguous(x).requires_grad_(), w, b}));
}

TEST(BatchNormGrad, SpatialTrainingGradcheckUpdatesRunningStats) {
  const Tensor x = random({2, 3, 2, 2}, 4), w = random({3}, 5), b = random({3}, 6);
  Tensor rm = zeros({3}, DType::f64), rv = ones({3}, DType::f64);
  auto f = [&](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{batch_norm(in[0], in[1], in[2], rm, rv, true)};
  };
  EXPECT_GRADCHECK(gradcheck(f, {x, w, b}));
  EXPECT_FALSE(allclose(rm, zeros({3}, DType::f64)));  // the running mean moved
}

TEST(BatchNormGrad, NoAffineGradcheck) {
  const Tensor x = random({5, 2, 3}, 7);
  EXPECT_GRADCHECK(gradcheck([](const Tensor& x) { return batch_norm(x, {}, {}, {}, {}, true); }, x));
}

TEST(BatchNormGrad, EvalGradcheckAndValue) {
  const Tensor x = random({3, 2, 2}, 8), w = random({2}, 9), b = random({2}, 10);
  const Tensor rm = tensor<double>({0.3, -0.2}), rv = tensor<double>({1.5, 0.7});
  auto f = [&](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{batch_norm(in[0], in[1], in[2], rm, rv, false)};
  };
  EXPECT_GRADCHECK(gradcheck(f, {x, w, b}));
  // dx = w / sqrt(rv + eps) per channel.
  Tensor xl = detach(x).requires_grad_();
  backward(sum(batch_norm(xl, w, b, rm, rv, false)));
  const auto wv = to_vector<double>(w);
  std::vector<double> want;
  for (int k = 0; k < 12; ++k) want.push_back(wv[(k / 2) % 2] / std::sqrt((k / 2) % 2 ? 0.7 + 1e-5 : 1.5 + 1e-5));
  EXPECT_TRUE(allclose(xl.grad(), tensor<double>(want, {3, 2, 2}), 1e-12, 1e-12));
}

TEST(BatchNormGrad, TrainingGradgradcheckWithAffine) {
  const Tensor x = random({4, 2}, 11), w = random({2}, 12), b = random({2}, 13);
  auto f = weighted([](const std::vector<Tensor>& in) { return batch_norm(in[0], in[1], in[2], {}, {}, true); },
                    {4, 2});
  EXPECT_GRADCHECK(gradgradcheck(f, {x, w, b}));
  const Tensor xs = random({3, 2, 2}, 14);
  auto g = weighted([](const std::vector<Tensor>& in) { return batch_norm(in[0], in[1], in[2], {}, {}, true); },
                    {3, 2, 2});
  EXPECT_GRADCHECK(gradgradcheck(g, {noncontiguous(xs).requires_grad_(), w, b}));
}

TEST(BatchNormGrad, GradientOfSumIsZeroForX) {
  // sum over a channel of x_hat is 0, so with w = 1 the x-gradient of sum(y) vanishes.
  Tensor x = random({6, 3}, 15);
  backward(sum(batch_norm(x, {}, {}, {}, {}, true)));
  EXPECT_TRUE(allclose(x.grad(), zeros({6, 3}, DType::f64), 0, 1e-10));
}

TEST(LayerNormGrad, GradcheckWithAndWithoutAffine) {
  const Tensor x = random({3, 2, 3}, 16), w = random({2, 3}, 17), b = random({2, 3}, 18);
  auto f = [](const std::vector<Tensor>& in) { return std::vector<Tensor>{layer_norm(in[0], {2, 3}, in[1], in[2])}; };
  EXPECT_GRADCHECK(gradcheck(f, {x, w, b}));
  EXPECT_GRADCHECK(gradcheck(f, {noncontiguous(x).requires_grad_(), noncontiguous(w).requires_grad_(), b}));
  EXPECT_GRADCHECK(gradcheck([](const Tensor& x) { return layer_norm(x, {3}); }, x));
}

TEST(LayerNormGrad, Gradgradcheck) {
  const Tensor x = random({3, 4}, 19), w = random({4}, 20), b = random({4}, 21);
  auto f = weighted([](const std::vector<Tensor>& in) { return layer_norm(in[0], {4}, in[1], in[2]); }, {3, 4});
  EXPECT_GRADCHECK(gradgradcheck(f, {x, w, b}));
  auto g = weighted([](const std::vector<Tensor>& in) { return layer_norm(in[0], {4}); }, {3, 4});
  EXPECT_GRADCHECK(gradgradcheck(g, {noncontiguous(x).requires_grad_()}));
}

TEST(NormGrad, Float32GradientsMatchFloat64) {
  const testing::RandomOptions plain{.requires_grad = false};
  const Tensor x = random({4, 3, 2}, 22, plain), w = random({3}, 23, plain), v = random({4, 3, 2}, 24, plain);
  auto grads = [&](DType dt, bool layer) {
    Tensor xl = prim::clone(prim::to(x, dt)).requires_grad_(), wl = prim::clone(prim::to(w, dt)).requires_grad_();
    Tensor y = layer ? layer_norm(xl, {2}) * prim::to(v, dt) : batch_norm(xl, wl, {}, {}, {}, true) * prim::to(v, dt);
    backward(sum(y));
    return xl.grad();
  };
  for (bool layer : {false, true})
    EXPECT_TRUE(allclose(grads(DType::f32, layer), prim::to(grads(DType::f64, layer), DType::f32), 1e-4, 1e-5));
}

}  // namespace
}  // namespace nabla
