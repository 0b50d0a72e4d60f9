#include <gtest/gtest.h>

#include <cmath>

#include "models/nn/nn.h"
#include "tests/testing.h"

namespace nabla::nn {
namespace {

using testing::allclose;

TEST(NnLayers, LinearMatchesFunctionalAndDefaultInit) {
  Generator gen(3);
  Linear lin(20, 7, true, DType::f64, &gen);
  const Tensor w = lin.get("weight"), b = lin.get("bias");
  EXPECT_EQ(w.shape(), (Shape{7, 20}));
  const double bound = 1 / std::sqrt(20.0);
  for (double v : to_vector<double>(w)) EXPECT_LE(std::abs(v), bound);
  for (double v : to_vector<double>(b)) EXPECT_LE(std::abs(v), bound);
  Tensor x = randn({4, 20}, DType::f64, &gen);
  EXPECT_TRUE(allclose(lin.forward(x), matmul(x, t(w)) + b, 1e-12, 1e-12));
  EXPECT_THROW(lin.forward(randn({4, 19}, DType::f64)), std::invalid_argument);
  // Same seed, same weights.
  Generator again(3);
  Linear lin2(20, 7, true, DType::f64, &again);
  EXPECT_TRUE(allclose(lin2.get("weight"), w, 0, 0));
  EXPECT_FALSE(Linear(20, 7, false).find("bias").defined());
}

TEST(NnLayers, Conv2dMatchesFunctional) {
  Generator gen(4);
  Conv2d conv(2, 3, {3, 3}, {.stride = {2, 2}, .padding = {1, 1}}, DType::f64, &gen);
  EXPECT_EQ(conv.get("weight").shape(), (Shape{3, 2, 3, 3}));
  const double bound = 1 / std::sqrt(18.0);
  for (double v : to_vector<double>(conv.get("weight"))) EXPECT_LE(std::abs(v), bound);
  Tensor x = randn({2, 2, 5, 5}, DType::f64, &gen);
  Tensor y = conv.forward(x);
  EXPECT_EQ(y.shape(), (Shape{2, 3, 3, 3}));
  EXPECT_TRUE(allclose(y, conv2d(x, conv.get("weight"), conv.get("bias"), {.stride = {2, 2}, .padding = {1, 1}}),
                       0, 0));
  // Same as a 1x1 conv written as a matmul over channels.
  Conv2d one(2, 3, {1, 1}, {}, DType::f64, &gen);
  Tensor w = reshape(one.get("weight"), {3, 2});
  Tensor ref = permute(matmul(permute(x, {0, 2, 3, 1}), t(w)) + one.get("bias"), {0, 3, 1, 2});
  EXPECT_TRUE(allclose(one.forward(x), ref, 1e-12, 1e-12));
}

TEST(NnLayers, ConvTranspose2dMatchesFunctional) {
  Generator gen(5);
  ConvTranspose2d deconv(3, 2, {4, 4}, {.stride = {2, 2}, .padding = {1, 1}, .bias = false}, DType::f64, &gen);
  EXPECT_EQ(deconv.get("weight").shape(), (Shape{3, 2, 4, 4}));
  // torch's fan_in of a transposed conv weight is size(1) * k * k.
  for (double v : to_vector<double>(deconv.get("weight"))) EXPECT_LE(std::abs(v), 1 / std::sqrt(32.0));
  Tensor x = randn({1, 3, 4, 4}, DType::f64, &gen);
  Tensor y = deconv.forward(x);
  EXPECT_EQ(y.shape(), (Shape{1, 2, 8, 8}));
  EXPECT_TRUE(allclose(y, conv_transpose2d(x, deconv.get("weight"), {}, {.stride = {2, 2}, .padding = {1, 1}}),
                       0, 0));
}

TEST(NnLayers, EmbeddingPicksRows) {
  Generator gen(6);
  Embedding emb(5, 3, DType::f64, &gen);
  Tensor idx = tensor<int64_t>({4, 0, 4, 2}, {2, 2});
  Tensor y = emb.forward(idx);
  EXPECT_EQ(y.shape(), (Shape{2, 2, 3}));
  const Tensor w = emb.get("weight");
  EXPECT_TRUE(allclose(select(select(y, 0, 0), 0, 0), select(w, 0, 4), 0, 0));
  EXPECT_TRUE(allclose(select(select(y, 0, 0), 0, 1), select(w, 0, 0), 0, 0));
  EXPECT_TRUE(allclose(select(select(y, 0, 1), 0, 0), select(w, 0, 4), 0, 0));
  EXPECT_TRUE(allclose(select(select(y, 0, 1), 0, 1), select(w, 0, 2), 0, 0));
  backward(sum(y));
  // Row 4 picked twice, rows 1 and 3 never.
  EXPECT_TRUE(allclose(sum(w.grad(), {1}), tensor<double>({3, 0, 3, 0, 6}), 0, 0));
  EXPECT_THROW(emb.forward(zeros({2})), std::invalid_argument);
}

TEST(NnLayers, ActivationsMatchFunctional) {
  Tensor x = tensor<double>({-3, -0.5, 0.25, 2, 30});
  EXPECT_TRUE(allclose(ReLU().forward(x), relu(x), 0, 0));
  EXPECT_TRUE(allclose(LeakyReLU(0.2).forward(x), tensor<double>({-0.6, -0.1, 0.25, 2, 30}), 1e-15, 0));
  EXPECT_TRUE(allclose(Tanh().forward(x), tanh(x), 0, 0));
  EXPECT_TRUE(allclose(Sigmoid().forward(x), 1.0 / (1.0 + exp(-x)), 1e-15, 1e-15));
  EXPECT_TRUE(allclose(ELU(0.5).forward(x), where(gt(x, zeros_like(x)), x, (exp(x) - 1.0) * 0.5), 1e-15, 1e-15));
  EXPECT_TRUE(allclose(Softplus(2, 20).forward(x), softplus(x, 2, 20), 0, 0));
}

TEST(NnLayers, ShapeLayers) {
  Tensor x = randn({2, 3, 4});
  EXPECT_EQ(Flatten().forward(x).shape(), (Shape{2, 12}));
  EXPECT_EQ(Reshape({4, -1}).forward(x).shape(), (Shape{2, 4, 3}));
  EXPECT_TRUE(allclose(Reshape({12}).forward(x), reshape(x, {2, 12}), 0, 0));
}

TEST(NnLayers, BatchNormTrainUsesBatchStatsEvalUsesRunning) {
  Generator gen(7);
  BatchNorm2d bn(3, {}, DType::f64);
  Tensor x = randn({4, 3, 2, 2}, DType::f64, &gen) * 2.0 + 1.0;
  Tensor y = bn.forward(x);
  // Training: per-channel mean 0, biased variance 1 (weight 1, bias 0).
  Tensor m = mean(x, {0, 2, 3}, true);
  Tensor v = var(x, {0, 2, 3}, true, 0);
  EXPECT_TRUE(allclose(y, (x - m) / sqrt(v + 1e-5), 1e-10, 1e-10));
  // Running stats: 0.9 * init + 0.1 * batch (unbiased variance).
  EXPECT_TRUE(allclose(bn.get("running_mean"), reshape(m, {3}) * 0.1, 1e-12, 1e-12));
  EXPECT_TRUE(allclose(bn.get("running_var"), reshape(var(x, {0, 2, 3}, true, 1), {3}) * 0.1 + 0.9, 1e-12, 1e-12));
  EXPECT_EQ(bn.get("num_batches_tracked").item(), 1.0);
  bn.eval();
  Tensor rm = reshape(bn.get("running_mean"), {1, 3, 1, 1}), rv = reshape(bn.get("running_var"), {1, 3, 1, 1});
  EXPECT_TRUE(allclose(bn.forward(x), (x - rm) / sqrt(rv + 1e-5), 1e-10, 1e-10));
  EXPECT_EQ(bn.get("num_batches_tracked").item(), 1.0);  // eval does not count
  EXPECT_THROW(bn.forward(randn({4, 3}, DType::f64)), std::invalid_argument);
  BatchNorm1d bn1(3);
  EXPECT_THROW(bn1.forward(randn({4, 2})), std::invalid_argument);
  EXPECT_EQ(bn1.forward(randn({4, 3, 5})).shape(), (Shape{4, 3, 5}));
}

TEST(NnLayers, BatchNorm1dAffineValues) {
  BatchNorm1d bn(2, {.eps = 1e-3, .momentum = 0.5}, DType::f64);
  copy_(detach(bn.get("weight")), tensor<double>({2.0, -1.0}));
  copy_(detach(bn.get("bias")), tensor<double>({0.5, 3.0}));
  // Channel 0: values 1, 3 (mean 2, biased var 1); channel 1: 0, 0, var 0.
  Tensor x = tensor<double>({1, 0, 3, 0}, {2, 2});
  const double s = 1 / std::sqrt(1 + 1e-3);
  EXPECT_TRUE(allclose(bn.forward(x), tensor<double>({0.5 - 2 * s, 3, 0.5 + 2 * s, 3}, {2, 2}), 1e-14, 1e-14));
  // momentum 0.5: running = 0.5 init + 0.5 batch, unbiased var (2 for channel 0).
  EXPECT_TRUE(allclose(bn.get("running_mean"), tensor<double>({1.0, 0.0}), 0, 0));
  EXPECT_TRUE(allclose(bn.get("running_var"), tensor<double>({1.5, 0.5}), 1e-15, 0));
  BatchNorm1d plain(2, {.affine = false, .track_running_stats = false});
  EXPECT_EQ(plain.state_dict().size(), 0u);
  plain.eval();  // no running stats: eval still uses the batch's
  EXPECT_TRUE(allclose(plain.forward(tensor<float>({1, 0, 3, 0}, {2, 2})),
                       tensor<float>({-1, 0, 1, 0}, {2, 2}), 1e-3, 0));
}

TEST(NnLayers, LayerNormMatchesDirect) {
  LayerNorm ln({4}, 1e-5, true, DType::f64);
  Tensor x = randn({3, 4}, DType::f64);
  Tensor ref = (x - mean(x, {1}, true)) / sqrt(var(x, {1}, true, 0) + 1e-5);
  EXPECT_TRUE(allclose(ln.forward(x), ref, 1e-10, 1e-10));
  EXPECT_EQ(ln.parameters().size(), 2u);
  EXPECT_EQ(LayerNorm({4}, 1e-5, false).parameters().size(), 0u);
}

TEST(NnLayers, DropoutTrainDropsEvalIsIdentity) {
  Generator gen(8);
  Dropout drop(0.5, &gen);
  Tensor x = ones({1000}, DType::f64);
  Tensor y = drop.forward(x);
  const auto v = to_vector<double>(y);
  int zeros_seen = 0;
  for (double e : v) {
    EXPECT_TRUE(e == 0 || e == 2) << e;
    zeros_seen += e == 0;
  }
  EXPECT_GT(zeros_seen, 400);
  EXPECT_LT(zeros_seen, 600);
  drop.eval();
  EXPECT_TRUE(allclose(drop.forward(x), x, 0, 0));
  EXPECT_THROW(Dropout(1.5), std::invalid_argument);
}

}  // namespace
}  // namespace nabla::nn
