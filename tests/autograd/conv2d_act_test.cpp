// The fused conv2d + bias + activation (DCGAN-28's first discriminator layer
// with LeakyReLU): bitwise the unfused composite's values and gradients on the
// CPU (f32, whose stride-2 convs take the implicit-GEMM path with the
// activation in its epilogue, and f64),
// gradcheck and gradgradcheck in f64, and bad input.
#include <gtest/gtest.h>

#include "autograd/fused_act.h"
#include "autograd/nabla.h"
#include "core/copy.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::bitwise_equal;
using testing::noncontiguous;
using testing::random;

const std::vector<Activation> kActs{
    {Act::identity}, {Act::relu}, {Act::leaky_relu, 0.2}, {Act::tanh}, {Act::sigmoid}};

Tensor leaf(const Tensor& v, DType t, bool strided) {
  Tensor x = prim::clone(prim::to(v, t));
  if (strided) x = prim::clone(noncontiguous(x));
  return strided ? noncontiguous(x).requires_grad_() : x.requires_grad_();
}

// y and the gradients of <y, v> in the defined inputs.
std::vector<Tensor> value_and_grads(const Tensor& y, const std::vector<Tensor>& inputs, const Tensor& v) {
  std::vector<Tensor> live;
  for (const Tensor& t : inputs)
    if (t.defined()) live.push_back(t);
  std::vector<Tensor> out = grad({y}, live, {prim::to(v, y.dtype())});
  out.insert(out.begin(), prim::clone(y));
  return out;
}

struct ConvCase {
  Shape x, w;
  Conv2dParams p;
  bool bias, strided;
};

TEST(FusedConv2dAct, BitwiseTheUnfusedCompositeValuesAndGradients) {
  const std::vector<ConvCase> cases{
      {{5, 1, 28, 28}, {6, 1, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, true, false},  // DCGAN-28's D.conv1
      // blocks of 3 images (and a last of 2) side by side in one product: the epilogue per image of a block
      {{20, 2, 14, 14}, {5, 2, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, true, false},
      {{3, 5, 9, 7}, {4, 5, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, true, true},     // odd, non-contiguous x
      {{1, 3, 5, 6}, {2, 3, 3, 2}, {.stride = {1, 2}}, true, false},                       // batch 1
      {{2, 4, 5, 5}, {6, 2, 3, 3}, {.stride = {1, 1}, .padding = {1, 1}, .groups = 2}, false, false},
      {{1, 1, 1, 1}, {1, 1, 1, 1}, {}, true, false},                                       // size 1
  };
  int k = 0;
  for (const ConvCase& cc : cases)
    for (DType t : {DType::f32, DType::f64})
      for (Activation a : kActs) {
        ++k;
        const Tensor x = leaf(random(cc.x, 10 + k), t, cc.strided), w = leaf(random(cc.w, 20 + k), t, false);
        const Tensor b = cc.bias ? leaf(random({cc.w[0]}, 30 + k), t, false) : Tensor();
        const Tensor y = conv2d_act(x, w, b, cc.p, a);
        const Tensor v = random(y.shape(), 40 + k);
        const auto fused = value_and_grads(y, {x, w, b}, v);
        const auto ref = value_and_grads(activate(conv2d(x, w, b, cc.p), a), {x, w, b}, v);
        ASSERT_EQ(fused.size(), ref.size());
        for (size_t i = 0; i < fused.size(); ++i)
          EXPECT_TRUE(bitwise_equal(fused[i], ref[i]))
              << kernels::name(a.kind) << " " << name(t) << " x " << str(cc.x) << " output " << i;
      }
}

Fn weighted(std::function<Tensor(const std::vector<Tensor>&)> f, uint64_t seed) {
  return [f, seed](const std::vector<Tensor>& in) {
    const Tensor y = f(in);
    return std::vector<Tensor>{y * random(y.shape(), seed, {.requires_grad = false})};
  };
}

TEST(FusedConv2dAct, GradcheckAndGradgradcheck) {
  int k = 0;
  for (Activation a : kActs)
    for (bool strided : {false, true}) {
      ++k;
      const Tensor x0 = random({2, 2, 5, 4}, 100 + k), w = random({3, 2, 3, 2}, 110 + k), b = random({3}, 120 + k);
      const Tensor x = strided ? noncontiguous(x0).requires_grad_() : x0;
      const Conv2dParams p{.stride = {2, 1}, .padding = {1, 0}};
      auto f = weighted([p, a](const std::vector<Tensor>& in) { return conv2d_act(in[0], in[1], in[2], p, a); }, 130 + k);
      SCOPED_TRACE(std::string(kernels::name(a.kind)) + (strided ? " strided" : ""));
      EXPECT_GRADCHECK(gradcheck(f, {x, w, b}));
      EXPECT_GRADCHECK(gradgradcheck(f, {x, w, b}));
    }
  const Tensor x = random({1, 2, 4, 4}, 140), w = random({2, 2, 2, 2}, 141);  // no bias, batch 1
  auto f = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{conv2d_act(in[0], in[1], {}, {.stride = {2, 2}}, {Act::leaky_relu, 0.2})};
  };
  EXPECT_GRADCHECK(gradcheck(f, {x, w}));
  EXPECT_GRADCHECK(gradgradcheck(f, {x, w}));
}

TEST(FusedConv2dAct, BadInputNamesTheOp) {
  const Tensor x = zeros({1, 2, 4, 4}), w = zeros({3, 2, 2, 2});
  EXPECT_TRUE(testing::throws_message<std::invalid_argument>(
      [&] { conv2d_act(x, w, {}, {}, {Act::leaky_relu, -1.0}); }, "slope", {"conv2d_act", "slope"}));
  EXPECT_TRUE(testing::throws_message<std::invalid_argument>(
      [&] { conv2d_act(x, zeros({3, 5, 2, 2}), {}, {}, {Act::relu}); }, "channels", {"conv2d"}));
}

}  // namespace
}  // namespace nabla
