// linear as one node (autograd/linalg.cpp) against the composite it replaced,
// matmul(x, transpose(w)) + b: in f64 the same float operations, so the same
// bits, forward and every gradient; in f32 (the packed SGEMM, whose sums are
// ordered differently from Eigen's) the same values within rounding, and
// the second derivatives of the f32 route against the f64 ones. W's
// gradient is contiguous in both.
#include <gtest/gtest.h>

#include <vector>

#include "autograd/nabla.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using testing::bitwise_equal;

struct Run {
  Tensor y;
  std::vector<Tensor> grads;
};

Run run(bool composite, const Tensor& x0, const Tensor& w0, const Tensor& b0, const Tensor& g) {
  Tensor x = clone(x0).requires_grad_(), w = clone(w0).requires_grad_(), b = clone(b0).requires_grad_();
  const Tensor y = composite ? matmul(x, transpose(w, 0, 1)) + b : linear(x, w, b);
  backward(y, g);
  return {detach(y), {x.grad(), w.grad(), b.grad()}};
}

void expect_same_values(DType dtype, const Shape& xs, int64_t out, uint64_t seed) {
  const int64_t in = xs.back();
  auto rnd = [&](const Shape& s, uint64_t k) { return to(testing::random(s, seed + k, {.requires_grad = false}), dtype); };
  Shape ys = xs;
  ys.back() = out;
  const Tensor x = rnd(xs, 0), w = rnd({out, in}, 1), b = rnd({out}, 2), g = rnd(ys, 3);
  const Run a = run(true, x, w, b, g), c = run(false, x, w, b, g);
  if (dtype == DType::f64) {
    EXPECT_TRUE(bitwise_equal(a.y, c.y));
    for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(bitwise_equal(a.grads[i], c.grads[i])) << i;
  } else {
    EXPECT_TRUE(testing::allclose(c.y, a.y, 1e-5, 1e-5));
    for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(testing::allclose(c.grads[i], a.grads[i], 1e-5, 1e-5)) << i;
    EXPECT_TRUE(bitwise_equal(a.grads[2], c.grads[2]));  // the bias gradient: the same row sums
  }
  EXPECT_TRUE(c.grads[1].is_contiguous());  // W's gradient is G^T X, not a transposed view
}

TEST(LinearNode, F32CloseToTheComposite) {
  expect_same_values(DType::f32, {64, 100}, 256, 1);  // the MLP GAN's first layer
  expect_same_values(DType::f32, {128, 256}, 1, 2);   // its critic's last layer
  expect_same_values(DType::f32, {5, 7}, 3, 3);       // small products
  expect_same_values(DType::f32, {2, 3, 4}, 5, 4);    // batch dims
  expect_same_values(DType::f32, {4}, 3, 5);          // a single vector
  expect_same_values(DType::f32, {1, 1}, 1, 6);       // size 1
}

TEST(LinearNode, BitwiseTheCompositeF64) { expect_same_values(DType::f64, {33, 40}, 17, 6); }

// d/d(x, w, b) of <v, grad_{x, w} <g, tanh(linear(x, w, b))>> (a Hessian-vector
// product through linear's vjp, which is made of linear ops in f32).
std::vector<Tensor> second_order(DType dtype, bool strided) {
  auto rnd = [&](const Shape& s, uint64_t k) { return to(testing::random(s, 40 + k, {.requires_grad = false}), dtype); };
  auto layout = [&](const Tensor& t) { return strided ? testing::noncontiguous(t) : t; };
  Tensor x = layout(rnd({7, 5}, 0)).requires_grad_(), w = layout(rnd({3, 5}, 1)).requires_grad_();
  Tensor b = rnd({3}, 2).requires_grad_();
  const Tensor y = tanh(linear(x, w, b));
  const std::vector<Tensor> g = grad({y}, {x, w}, {rnd({7, 3}, 3)}, {.create_graph = true});
  const Tensor s = sum(g[0] * rnd({7, 5}, 4)) + sum(g[1] * rnd({3, 5}, 5));
  return grad({s}, {x, w, b});
}

TEST(LinearNode, F32SecondDerivativesMatchF64) {
  for (const bool strided : {false, true}) {
    const std::vector<Tensor> lo = second_order(DType::f32, strided), hi = second_order(DType::f64, strided);
    for (size_t i = 0; i < hi.size(); ++i)
      EXPECT_TRUE(testing::allclose(to(lo[i], DType::f64), hi[i], 1e-4, 1e-5)) << i << " strided " << strided;
  }
}

TEST(LinearNode, GradgradOfEveryInput) {
  auto f = [](const std::vector<Tensor>& in) { return std::vector<Tensor>{tanh(linear(in[0], in[1], in[2]))}; };
  const std::vector<Tensor> args{testing::random({3, 4}, 21), testing::random({2, 4}, 22), testing::random({2}, 23)};
  EXPECT_GRADCHECK(gradcheck(f, args));
  EXPECT_GRADCHECK(gradgradcheck(f, args));
  const std::vector<Tensor> vec{testing::random({4}, 24), testing::random({2, 4}, 25), testing::random({2}, 26)};
  EXPECT_GRADCHECK(gradgradcheck(f, vec));
}

}  // namespace
}  // namespace nabla
