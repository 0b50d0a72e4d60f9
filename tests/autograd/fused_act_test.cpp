// The fused conv_transpose2d + bias + activation and batch norm + activation
// ops: bitwise the unfused composites' values and gradients on the CPU (f32
// and f64), gradcheck and gradgradcheck in f64, and bad input.
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

std::string tag(Activation a, DType t) { return std::string(kernels::name(a.kind)) + " " + name(t); }

// A copy of t (f64 values) in dtype `t`, requiring grad.
Tensor leaf(const Tensor& v, DType t) {
  Tensor x = prim::clone(prim::to(v, t));
  x.requires_grad_();
  return x;
}

// y and the gradients of <y, v> in `inputs` (undefined inputs skipped).
std::vector<Tensor> value_and_grads(const Tensor& y, const std::vector<Tensor>& inputs, const Tensor& v) {
  std::vector<Tensor> live;
  for (const Tensor& t : inputs)
    if (t.defined()) live.push_back(t);
  std::vector<Tensor> out = grad({y}, live, {prim::to(v, y.dtype())});
  out.insert(out.begin(), prim::clone(y));
  return out;
}

void expect_same(const std::vector<Tensor>& fused, const std::vector<Tensor>& ref, const std::string& what) {
  ASSERT_EQ(fused.size(), ref.size());
  for (size_t i = 0; i < fused.size(); ++i) EXPECT_TRUE(bitwise_equal(fused[i], ref[i])) << what << " output " << i;
}

struct ConvCase {
  Shape x, w;
  Conv2dParams p;
  bool bias;
};

TEST(FusedConvTransposeAct, BitwiseTheUnfusedCompositeValuesAndGradients) {
  const std::vector<ConvCase> cases{
      {{3, 5, 4, 4}, {5, 2, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, true},  // DCGAN-like
      {{1, 3, 3, 5}, {3, 4, 3, 2}, {.stride = {1, 2}}, true},                      // odd, batch 1
      {{2, 3, 3, 3}, {3, 11, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, true},  // bias sums: 8 channels + 3
      {{2, 4, 3, 3}, {4, 3, 3, 3}, {.stride = {2, 2}, .padding = {1, 0}, .groups = 2, .output_padding = {1, 1}},
       false},
      // one output channel over 65536 positions: the bias sum's chunked path
      {{1, 2, 128, 128}, {2, 1, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, true},
  };
  int k = 0;
  for (const ConvCase& cc : cases)
    for (DType t : {DType::f32, DType::f64})
      for (Activation a : kActs) {
        ++k;
        const Tensor x0 = random(cc.x, 10 + k), w0 = random(cc.w, 20 + k), b0 = random({cc.w[1] * cc.p.groups}, 30 + k);
        const Tensor x = leaf(x0, t), w = leaf(w0, t), b = cc.bias ? leaf(b0, t) : Tensor();
        const Tensor y = conv_transpose2d_act(x, w, b, cc.p, a);
        const Tensor v = random(y.shape(), 40 + k);
        const auto fused = value_and_grads(y, {x, w, b}, v);
        const auto ref = value_and_grads(activate(conv_transpose2d(x, w, b, cc.p), a), {x, w, b}, v);
        expect_same(fused, ref, tag(a, t) + " x " + str(cc.x));
      }
}

struct BnCase {
  Shape x;
  bool affine, running, training;
};

TEST(FusedBatchNormAct, BitwiseTheUnfusedCompositeValuesAndGradients) {
  const std::vector<BnCase> cases{{{6, 4}, true, true, true},         {{3, 5, 3, 3}, true, true, true},
                                  {{2, 3, 5}, false, false, true},    {{3, 4, 2, 3}, true, true, false},
                                  {{1, 2, 3, 3}, false, true, false}, {{64, 3, 14, 14}, true, true, true}};
  int k = 0;
  for (const BnCase& bc : cases)
    for (DType t : {DType::f32, DType::f64})
      for (Activation a : kActs) {
        ++k;
        const int64_t C = bc.x[1];
        const Tensor x = leaf(random(bc.x, 50 + k), t);
        const Tensor w = bc.affine ? leaf(random({C}, 60 + k), t) : Tensor();
        const Tensor b = bc.affine ? leaf(random({C}, 70 + k), t) : Tensor();
        Tensor rm[2], rv[2];
        for (int i = 0; i < 2 && bc.running; ++i) {
          rm[i] = prim::to(random({C}, 80 + k), t);
          rv[i] = prim::to(uniform({C}, 0.5, 2.0, DType::f64), t);
          if (i == 1) rm[1] = prim::clone(rm[0]), rv[1] = prim::clone(rv[0]);
        }
        const Tensor y = batch_norm_act(x, w, b, rm[0], rv[0], bc.training, 0.1, 1e-5, a);
        const Tensor v = random(y.shape(), 90 + k);
        const auto fused = value_and_grads(y, {x, w, b}, v);
        const auto ref = value_and_grads(activate(batch_norm(x, w, b, rm[1], rv[1], bc.training, 0.1, 1e-5), a),
                                         {x, w, b}, v);
        const std::string what = tag(a, t) + " x " + str(bc.x) + (bc.training ? " training" : " eval");
        expect_same(fused, ref, what);
        if (bc.running) {
          EXPECT_TRUE(bitwise_equal(rm[0], rm[1]) && bitwise_equal(rv[0], rv[1])) << what;
        }
      }
}

// Gradients of <f(in), v> for a fixed v, so that gradgradcheck sees a nonzero
// second derivative.
Fn weighted(std::function<Tensor(const std::vector<Tensor>&)> f, uint64_t seed) {
  return [f, seed](const std::vector<Tensor>& in) {
    const Tensor y = f(in);
    return std::vector<Tensor>{y * random(y.shape(), seed, {.requires_grad = false})};
  };
}

TEST(FusedConvTransposeAct, GradcheckAndGradgradcheck) {
  int k = 0;
  for (Activation a : kActs)
    for (bool strided : {false, true})
      for (bool batch1 : {false, true}) {
        ++k;
        const Tensor x0 = random({batch1 ? 1 : 2, 2, 3, 2}, 100 + k), w = random({2, 3, 3, 2}, 110 + k),
                     b = random({3}, 120 + k);
        const Tensor x = strided ? noncontiguous(x0).requires_grad_() : x0;
        const Conv2dParams p{.stride = {2, 1}, .padding = {1, 0}};
        auto f = weighted([p, a](const std::vector<Tensor>& in) { return conv_transpose2d_act(in[0], in[1], in[2], p, a); },
                          130 + k);
        const std::string what = std::string(kernels::name(a.kind)) + (strided ? " strided" : "") +
                                 (batch1 ? " batch 1" : "");
        {
          SCOPED_TRACE(what);
          EXPECT_GRADCHECK(gradcheck(f, {x, w, b}));
        }
        {
          SCOPED_TRACE(what);
          EXPECT_GRADCHECK(gradgradcheck(f, {x, w, b}));
        }
      }
  // No bias.
  const Tensor x = random({2, 2, 2, 3}, 140), w = random({2, 1, 2, 2}, 141);
  auto f = [](const std::vector<Tensor>& in) {
    return std::vector<Tensor>{conv_transpose2d_act(in[0], in[1], {}, {.stride = {2, 2}}, {Act::tanh})};
  };
  EXPECT_GRADCHECK(gradcheck(f, {x, w}));
  EXPECT_GRADCHECK(gradgradcheck(f, {x, w}));
}

TEST(FusedBatchNormAct, GradcheckAndGradgradcheck) {
  int k = 0;
  for (Activation a : kActs)
    for (bool training : {true, false})
      for (bool affine : {true, false})
        for (bool strided : {false, true}) {
          ++k;
          const Shape shape = strided ? Shape{3, 2, 3} : Shape{2, 3, 2, 3};
          const int64_t C = shape[1];
          const Tensor x0 = random(shape, 200 + k);
          const Tensor x = strided ? noncontiguous(x0).requires_grad_() : x0;
          Tensor rm = random({C}, 210 + k, {.requires_grad = false});
          Tensor rv = uniform({C}, 0.5, 2.0, DType::f64);
          std::vector<Tensor> in{x};
          if (affine) in.push_back(random({C}, 220 + k)), in.push_back(random({C}, 230 + k));
          auto f = weighted(
              [=](const std::vector<Tensor>& in) {
                const Tensor w = affine ? in[1] : Tensor(), b = affine ? in[2] : Tensor();
                return batch_norm_act(in[0], w, b, rm, rv, training, 0.1, 1e-5, a);
              },
              240 + k);
          const std::string what = std::string(kernels::name(a.kind)) + (training ? " training" : " eval") +
                                   (affine ? " affine" : "") + (strided ? " strided" : "");
          {
          SCOPED_TRACE(what);
          EXPECT_GRADCHECK(gradcheck(f, in));
        }
          {
          SCOPED_TRACE(what);
          EXPECT_GRADCHECK(gradgradcheck(f, in));
        }
        }
}

TEST(FusedBatchNormAct, GradgradcheckBatchOfOne) {
  for (Activation a : {Activation{Act::tanh}, Activation{Act::leaky_relu, 0.1}}) {
    const Tensor x = random({1, 2, 3}, 300), w = random({2}, 301), b = random({2}, 302);
    auto f = weighted([a](const std::vector<Tensor>& in) { return batch_norm_act(in[0], in[1], in[2], {}, {}, true, 0.1, 1e-5, a); },
                      303);
    EXPECT_GRADCHECK(gradcheck(f, {x, w, b}));
    EXPECT_GRADCHECK(gradgradcheck(f, {x, w, b}));
  }
}

TEST(FusedAct, BadInputNamesTheOp) {
  const Tensor x = random({2, 3, 2, 2}, 1, {.requires_grad = false}), w = random({3, 2, 2, 2}, 2, {.requires_grad = false});
  EXPECT_THROW_MESSAGE(conv_transpose2d_act(x, w, {}, {}, {Act::leaky_relu, 0.0}), std::invalid_argument,
                       "conv_transpose2d_act", "slope");
  EXPECT_THROW_MESSAGE(batch_norm_act(x, {}, {}, {}, {}, true, 0.1, 1e-5, {Act::leaky_relu, -1.0}),
                       std::invalid_argument, "batch_norm_act", "slope");
  EXPECT_THROW_MESSAGE(prim::activation_backward(x, random({2, 3, 2}, 3), {Act::relu}, true), std::invalid_argument,
                       "activation_backward", "[2, 3, 2, 2]");
  EXPECT_THROW_MESSAGE(prim::activate_(prim::transpose(x, 0, 1), {Act::relu}), std::invalid_argument, "activate_",
                       "contiguous");
}

}  // namespace
}  // namespace nabla
