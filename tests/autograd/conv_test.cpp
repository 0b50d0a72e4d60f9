#include "autograd/conv.h"

#include "core/reduce.h"
#include "tests/core/conv_reference.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::allclose;

using Case = testing::ConvCase;

// Conv weights [C_out, C_in/groups, kH, kW].
const Case kConv[] = {
    {{2, 2, 5, 5}, {3, 2, 3, 3}, {}},
    {{1, 4, 6, 5}, {4, 2, 3, 2}, {.stride = {2, 1}, .padding = {1, 1}, .dilation = {1, 2}, .groups = 2}},
    {{2, 2, 5, 5}, {2, 1, 3, 3}, {.stride = {2, 2}, .padding = {2, 1}, .groups = 2}},  // depthwise
    {{1, 1, 7, 6}, {2, 1, 2, 2}, {.stride = {3, 2}, .dilation = {2, 1}}},             // rows left over
};

// Transposed weights [C_in, C_out/groups, kH, kW].
const Case kTranspose[] = {
    {{2, 2, 3, 3}, {2, 3, 3, 3}, {}},
    {{1, 2, 3, 4}, {2, 2, 3, 3}, {.stride = {2, 2}, .padding = {1, 1}, .output_padding = {1, 0}}},
    {{1, 4, 3, 3}, {4, 1, 2, 3}, {.stride = {2, 1}, .groups = 4}},
    {{1, 2, 3, 3}, {2, 1, 2, 2}, {.dilation = {2, 2}, .output_padding = {1, 1}}},  // output_padding >= stride
    {{2, 2, 2, 3}, {2, 2, 4, 4}, {.stride = {2, 2}, .padding = {1, 1}}},             // DCGAN's k4 s2 p1
};

// Seeded draws, a fresh seed per call: every run of this program sees the
// same numbers (the shared default generator would depend on other suites).
Tensor rand64(const Shape& s) {
  static uint64_t next_seed = 1000;
  return testing::random(s, next_seed++, {.requires_grad = true});
}

// The op on (x, w, b), with x and w read through non-contiguous views when
// `strided`: x is stored [N, C, W, H] and w [kW, kH, ., .].
using Op = Tensor (*)(const Tensor&, const Tensor&, const Tensor&, const Conv2dParams&);
Fn with_layout(Op op, Conv2dParams p, bool strided) {
  return [op, p, strided](const std::vector<Tensor>& in) -> std::vector<Tensor> {
    const Tensor x = strided ? transpose(in[0], 2, 3) : in[0];
    const Tensor w = strided ? permute(in[1], {3, 2, 1, 0}) : in[1];
    return {op(x, w, in.size() > 2 ? in[2] : Tensor(), p)};
  };
}
std::vector<Tensor> operands(const Case& c, int64_t bias_size, bool strided) {
  Shape xs = c.x, ws = c.w;
  if (strided) xs = {c.x[0], c.x[1], c.x[3], c.x[2]}, ws = {c.w[3], c.w[2], c.w[1], c.w[0]};
  return {rand64(xs), rand64(ws), rand64({bias_size})};
}

TEST(ConvAutograd, Conv2dGradcheck) {
  for (const Case& c : kConv)
    for (bool strided : {false, true})
      EXPECT_GRADCHECK(gradcheck(with_layout(conv2d, c.p, strided), operands(c, c.w[0], strided)));
}

TEST(ConvAutograd, ConvTranspose2dGradcheck) {
  for (const Case& c : kTranspose)
    for (bool strided : {false, true})
      EXPECT_GRADCHECK(
          gradcheck(with_layout(conv_transpose2d, c.p, strided), operands(c, c.w[1] * c.p.groups, strided)));
}

TEST(ConvAutograd, Conv2dGradgradcheck) {
  for (const Case& c : kConv)
    EXPECT_GRADCHECK(gradgradcheck(with_layout(conv2d, c.p, false), operands(c, c.w[0], false)));
}

TEST(ConvAutograd, ConvTranspose2dGradgradcheck) {
  for (const Case& c : kTranspose)
    EXPECT_GRADCHECK(
        gradgradcheck(with_layout(conv_transpose2d, c.p, false), operands(c, c.w[1] * c.p.groups, false)));
}

TEST(ConvAutograd, Conv2dWeightGradcheckAndGradgradcheck) {
  for (const Case& c : kConv) {
    const Shape ys = prim::conv2d(zeros(c.x, DType::f64), zeros(c.w, DType::f64), {}, c.p).shape();
    const Fn f = [&](const std::vector<Tensor>& in) -> std::vector<Tensor> {
      return {conv2d_weight(in[0], in[1], c.w, c.p)};
    };
    const std::vector<Tensor> in{rand64(c.x), rand64(ys)};
    EXPECT_GRADCHECK(gradcheck(f, in));
    EXPECT_GRADCHECK(gradgradcheck(f, in));
  }
}

TEST(ConvAutograd, WithoutBiasOnlyInputAndWeightGetGradients) {
  const Tensor x = rand64({1, 2, 4, 4}), w = rand64({3, 2, 3, 3});
  const Tensor y = conv2d(x, w, {}, {.padding = {1, 1}});
  EXPECT_EQ(y.shape(), (Shape{1, 3, 4, 4}));
  const auto g = grad({sum(y)}, {x, w});
  // d/dx sum(conv(x, w)) at input pixel (c, h, v) sums w[:, c, a, q] over the
  // taps that reach it: all 3x3 at interior pixel (0, 1, 1); a, q in {0, 1}
  // at corner (0, 0, 0).
  const Tensor w0 = prim::slice(w, 1, 0, 1);
  const double all = to_vector<double>(prim::sum(w0))[0];
  const double corner = to_vector<double>(prim::sum(prim::slice(prim::slice(w0, 2, 0, 2), 3, 0, 2)))[0];
  const auto gx = to_vector<double>(g[0]);
  EXPECT_NEAR(gx[5], all, 1e-12);
  EXPECT_NEAR(gx[0], corner, 1e-12);
}

TEST(ConvAutograd, GradientPenaltyThroughConv) {
  // WGAN-GP shape of computation: d/dw of ||d D(x)/dx||^2 with D a conv.
  const Tensor x = rand64({2, 1, 6, 6}), w = rand64({2, 1, 4, 4}), b = rand64({2});
  const Fn penalty = [](const std::vector<Tensor>& in) -> std::vector<Tensor> {
    GradModeGuard on(true);  // gradcheck evaluates f under no_grad for finite differences
    const Tensor d = sum(tanh(conv2d(in[0], in[1], in[2], {.stride = {2, 2}, .padding = {1, 1}})));
    const Tensor gx = grad({d}, {in[0]}, {}, {.create_graph = true})[0];
    return {sum(square(gx))};
  };
  EXPECT_GRADCHECK(gradcheck(penalty, {x, w, b}));
}

TEST(ConvAutograd, Float32GradientsMatchFloat64) {
  const Tensor x = randn({2, 3, 7, 7}, DType::f64), w = randn({4, 3, 4, 4}, DType::f64);
  const Conv2dParams p{.stride = {2, 2}, .padding = {1, 1}};
  auto grads = [&](DType dt) {
    const Tensor xv = to(x, dt).requires_grad_(), wv = to(w, dt).requires_grad_();
    return grad({sum(square(conv2d(xv, wv, {}, p)))}, {xv, wv});
  };
  const auto g32 = grads(DType::f32), g64 = grads(DType::f64);
  EXPECT_TRUE(allclose(to(g32[0], DType::f64), g64[0], 1e-4, 1e-3));
  EXPECT_TRUE(allclose(to(g32[1], DType::f64), g64[1], 1e-4, 1e-3));
}

}  // namespace
}  // namespace nabla
