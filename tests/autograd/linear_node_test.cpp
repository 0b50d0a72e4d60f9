// linear as one node (autograd/linalg.cpp) against the composite it replaced,
// matmul(x, transpose(w)) + b: the same float operations, so the same bits,
// forward and every gradient; W's gradient now contiguous.
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

void expect_same_bits(DType dtype, const Shape& xs, int64_t out, uint64_t seed) {
  const int64_t in = xs.back();
  auto rnd = [&](const Shape& s, uint64_t k) { return to(testing::random(s, seed + k, {.requires_grad = false}), dtype); };
  Shape ys = xs;
  ys.back() = out;
  const Tensor x = rnd(xs, 0), w = rnd({out, in}, 1), b = rnd({out}, 2), g = rnd(ys, 3);
  const Run a = run(true, x, w, b, g), c = run(false, x, w, b, g);
  EXPECT_TRUE(bitwise_equal(a.y, c.y));
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(bitwise_equal(a.grads[i], c.grads[i])) << i;
  EXPECT_TRUE(c.grads[1].is_contiguous());  // W's gradient is G^T X, not a transposed view
}

TEST(LinearNode, BitwiseTheCompositeF32) {
  expect_same_bits(DType::f32, {64, 100}, 256, 1);  // the MLP GAN's first layer: Eigen's GEMM
  expect_same_bits(DType::f32, {128, 256}, 1, 2);   // its critic's last layer
  expect_same_bits(DType::f32, {5, 7}, 3, 3);       // small products
  expect_same_bits(DType::f32, {2, 3, 4}, 5, 4);    // batch dims
  expect_same_bits(DType::f32, {4}, 3, 5);          // a single vector
}

TEST(LinearNode, BitwiseTheCompositeF64) { expect_same_bits(DType::f64, {33, 40}, 17, 6); }

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
