// Mixed precision: AutocastGuard casts the f32 operands of matmul / linear /
// conv to bf16; parameters stay f32 and get f32 gradients through to()'s vjp.
#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "core/copy.h"
#include "core/elementwise.h"
#include "tests/testing.h"

namespace nabla {
namespace {

Tensor param(const Shape& s, Generator* gen, double scale = 1) {
  Tensor p = prim::binary(prim::Binary::mul, randn(s, {}, gen), scalar(scale));
  p.requires_grad_(true);
  return p;
}

TEST(Autocast, GuardScopesAndNests) {
  EXPECT_FALSE(autocast_enabled());
  {
    AutocastGuard on(DType::bf16);
    EXPECT_EQ(autocast_dtype(), DType::bf16);
    {
      AutocastGuard off(DType::f32);
      EXPECT_FALSE(autocast_enabled());
    }
    EXPECT_TRUE(autocast_enabled());
  }
  EXPECT_FALSE(autocast_enabled());
  EXPECT_THROW(AutocastGuard(DType::f64), std::invalid_argument);
}

TEST(Autocast, MatmulOutputsBf16ParamGradsF32) {
  Generator gen(1);
  const Tensor x = randn({6, 5}, {}, &gen);
  const Tensor w = param({4, 5}, &gen), b = param({4}, &gen);
  Tensor y;
  {
    AutocastGuard guard(DType::bf16);
    y = linear(x, w, b);
    EXPECT_EQ(matmul(x, transpose(w, 0, 1)).dtype(), DType::bf16);
    const Tensor x64 = prim::to(x, DType::f64);
    EXPECT_EQ(matmul(x64, transpose(x64, 0, 1)).dtype(), DType::f64);  // only f32 is cast
  }
  EXPECT_EQ(y.dtype(), DType::bf16);
  EXPECT_EQ(matmul(x, transpose(w, 0, 1)).dtype(), DType::f32);  // off again
  backward(sum(square(to(y, DType::f32))));
  ASSERT_TRUE(w.grad().defined());
  EXPECT_EQ(w.grad().dtype(), DType::f32);
  EXPECT_EQ(b.grad().dtype(), DType::f32);
  // The f32 gradients of the same loss, within bf16's rounding (inputs, product, gradient).
  const Tensor w32 = detach(w).requires_grad_(true), b32 = detach(b).requires_grad_(true);
  backward(sum(square(linear(x, w32, b32))));
  EXPECT_TRUE(testing::allclose(w.grad(), w32.grad(), 0.03, 0.05));
  EXPECT_TRUE(testing::allclose(b.grad(), b32.grad(), 0.03, 0.05));
}

TEST(Autocast, CastVjpReturnsTheInputDtype) {
  Generator gen(2);
  const Tensor x = param({3, 4}, &gen);
  const Tensor xb = to(x, DType::bf16);
  EXPECT_EQ(xb.dtype(), DType::bf16);
  backward(sum(xb * 3.0));
  EXPECT_EQ(x.grad().dtype(), DType::f32);
  EXPECT_TRUE(testing::allclose(x.grad(), full({3, 4}, 3.0)));
  // Through tanh and a product: bf16 gradient within tolerance of f32's.
  const Tensor a = param({5, 3}, &gen), c = param({3, 2}, &gen);
  backward(sum(to(tanh(matmul(to(a, DType::bf16), to(c, DType::bf16))), DType::f32)));
  const Tensor a32 = detach(a).requires_grad_(true);
  backward(sum(tanh(matmul(a32, detach(c)))));
  EXPECT_TRUE(testing::allclose(a.grad(), a32.grad(), 0.03, 0.03));
}

TEST(Autocast, ConvolutionsAndBatchNorm) {
  Generator gen(3);
  const Tensor x = randn({2, 3, 6, 6}, {}, &gen);
  const Tensor w = param({4, 3, 3, 3}, &gen, 0.3), wt = param({4, 2, 4, 4}, &gen, 0.3);
  const Tensor gamma = ones({4}).requires_grad_(true), beta = zeros({4}).requires_grad_(true);
  auto net = [&](const Tensor& w_, const Tensor& wt_) {
    const Tensor h = conv2d(x, w_, {}, {.padding = {1, 1}});
    const Tensor n = batch_norm_act(h, gamma, beta, {}, {}, true, 0.1, 1e-5, Activation{Act::relu});
    EXPECT_EQ(n.dtype(), DType::f32);  // statistics in f32
    return conv_transpose2d_act(n, wt_, {}, {.stride = {2, 2}, .padding = {1, 1}}, Activation{Act::tanh});
  };
  Tensor y;
  {
    AutocastGuard guard(DType::bf16);
    y = net(w, wt);
    EXPECT_EQ(conv2d(x, w, {}, {}).dtype(), DType::bf16);
  }
  EXPECT_EQ(y.dtype(), DType::bf16);
  EXPECT_EQ(y.shape(), (Shape{2, 2, 12, 12}));
  backward(sum(to(y, DType::f32) * to(y, DType::f32)));
  const Tensor w32 = detach(w).requires_grad_(true), wt32 = detach(wt).requires_grad_(true);
  const Tensor y32 = net(w32, wt32);
  EXPECT_TRUE(testing::allclose(to(y, DType::f32), y32, 0.02, 0.02));
  backward(sum(y32 * y32));
  EXPECT_EQ(w.grad().dtype(), DType::f32);
  EXPECT_TRUE(testing::allclose(w.grad(), w32.grad(), 0.05, 0.1));
  EXPECT_TRUE(testing::allclose(wt.grad(), wt32.grad(), 0.05, 0.1));
}

// A two-layer MLP regressing a known linear map y = x A^T: under autocast
// (bf16 products, f32 master weights, plain SGD) the loss falls by 100x and
// ends near the f32 run's.
double train_regression(bool bf16, double* first_loss) {
  Generator gen(11);
  const Tensor a = randn({2, 4}, {}, &gen);
  const Tensor x = randn({64, 4}, {}, &gen);
  const Tensor target = matmul(x, transpose(a, 0, 1));
  const Tensor w1 = param({16, 4}, &gen, 0.5), b1 = zeros({16}).requires_grad_(true);
  const Tensor w2 = param({2, 16}, &gen, 0.25), b2 = zeros({2}).requires_grad_(true);
  const std::vector<Tensor> params{w1, b1, w2, b2};
  double loss_value = 0;
  for (int step = 0; step < 150; ++step) {
    for (const Tensor& p : params) p.set_grad({});
    Tensor out;
    {
      AutocastGuard guard(bf16 ? DType::bf16 : DType::f32);
      out = linear(leaky_relu(linear(x, w1, b1), 0.1), w2, b2);
    }
    const Tensor loss = mse_loss(to(out, DType::f32), target);  // the loss in f32
    loss_value = loss.item();
    if (step == 0) *first_loss = loss_value;
    backward(loss);
    NoGradGuard no_grad;
    for (const Tensor& p : params) {
      EXPECT_EQ(p.grad().dtype(), DType::f32);
      prim::binary_(prim::Binary::sub, p, prim::binary(prim::Binary::mul, p.grad(), scalar(0.05)));
    }
  }
  return loss_value;
}

TEST(Autocast, SmallRegressionLearnsInBf16) {
  double first16 = 0, first32 = 0;
  const double last16 = train_regression(true, &first16), last32 = train_regression(false, &first32);
  EXPECT_NEAR(first16, first32, 0.02 * first32);
  EXPECT_LT(last16, first16 / 100);
  EXPECT_NEAR(last16, last32, 0.5 * last32 + 1e-3);
}

}  // namespace
}  // namespace nabla
