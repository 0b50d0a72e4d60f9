// nn::Adam runs the fused kernel (core/optim.h); these tests hold it to the
// bits of the unfused tensor sequence it replaced, kept here as the reference.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/optim.h"
#include "models/nn/nn.h"
#include "tests/testing.h"

namespace nabla::nn {
namespace {

using testing::bitwise_equal;

Tensor lerp(const Tensor& a, const Tensor& b, double w) {
  return w < 0.5 ? a + (b - a) * w : b - (b - a) * (1 - w);
}

// The unfused update nn::Adam ran before the fused kernel, op for op.
struct ReferenceAdam {
  double lr;
  AdamOptions opts;
  std::vector<Tensor> m, s;
  int64_t t = 0;
  void step(const std::vector<Tensor>& params) {
    NoGradGuard no_grad;
    ++t;
    for (size_t i = 0; i < params.size(); ++i) {
      const Tensor& p = params[i];
      if (m.size() <= i) m.push_back(zeros_like(p)), s.push_back(zeros_like(p));
      Tensor g = opts.weight_decay != 0 ? p.grad() + p * opts.weight_decay : p.grad();
      copy_(m[i], lerp(m[i], g, 1 - opts.beta1));
      copy_(s[i], s[i] * opts.beta2 + g * g * (1 - opts.beta2));
      const double bc1 = 1 - std::pow(opts.beta1, static_cast<double>(t));
      const double bc2 = std::sqrt(1 - std::pow(opts.beta2, static_cast<double>(t)));
      add_(p, m[i] / (sqrt(s[i]) / bc2 + opts.eps), -(lr / bc1));
    }
  }
};

// Two copies of the same parameters (one non-contiguous), the same
// gradients each step: nn::Adam and the reference must agree bit for bit.
void expect_same_bits(DType dtype, AdamOptions opts, double lr) {
  std::vector<Tensor> a, b;
  const std::vector<Shape> shapes{{3, 5}, {4, 6}, {7}, {9, 13}};  // the last fills vector lanes
  for (size_t k = 0; k < shapes.size(); ++k) {
    const Tensor x = to(testing::random(shapes[k], 10 + k, {.requires_grad = false}), dtype);
    Tensor pa = k == 1 ? testing::noncontiguous(x) : clone(x);
    a.push_back(pa.requires_grad_());
    b.push_back(clone(x).requires_grad_());
  }
  Adam fused(a, lr, opts);
  ReferenceAdam ref{lr, opts, {}, {}};
  for (int step = 0; step < 6; ++step) {
    for (size_t k = 0; k < a.size(); ++k) {
      const Tensor g = to(testing::random(shapes[k], 100 * step + k, {.requires_grad = false}) * 3.0, dtype);
      a[k].set_grad(clone(g));
      b[k].set_grad(clone(g));
    }
    fused.step();
    ref.step(b);
    for (size_t k = 0; k < a.size(); ++k) ASSERT_TRUE(bitwise_equal(detach(a[k]), detach(b[k]))) << step << " " << k;
  }
  const StateDict state = fused.state_dict();
  for (size_t k = 0; k < a.size(); ++k) {
    int found = 0;
    for (const auto& [key, t] : state) {
      const std::string prefix = "state." + std::to_string(k) + ".";
      if (key == prefix + "exp_avg") {
        EXPECT_TRUE(bitwise_equal(t, ref.m[k]));
        ++found;
      } else if (key == prefix + "exp_avg_sq") {
        EXPECT_TRUE(bitwise_equal(t, ref.s[k]));
        ++found;
      }
    }
    EXPECT_EQ(found, 2) << k;
  }
}

TEST(NnFusedAdam, BitwiseTheUnfusedSequenceF32) {
  expect_same_bits(DType::f32, {}, 1e-3);
  expect_same_bits(DType::f32, {.beta1 = 0.5, .beta2 = 0.9, .eps = 1e-6, .weight_decay = 0.01}, 0.1);
  expect_same_bits(DType::f32, {.beta1 = 0.2, .beta2 = 0.99, .eps = 1e-8, .weight_decay = 0}, 2e-4);
}

TEST(NnFusedAdam, BitwiseTheUnfusedSequenceF64) {
  expect_same_bits(DType::f64, {}, 1e-3);
  expect_same_bits(DType::f64, {.beta1 = 0.0, .beta2 = 0.5, .eps = 1e-3, .weight_decay = 0.3}, 0.05);
}

TEST(NnFusedAdam, PrimChecksItsOperands) {
  const Tensor p = zeros({3}), m = zeros({3}), s = zeros({3}), g = ones({3});
  const prim::AdamStep step{0.1, 0.999, 0.001, 0.03, 1e-8, 0, -0.01};
  auto throws_naming_op = [&](const Tensor& a, const Tensor& b, const Tensor& c, const Tensor& d) {
    try {
      prim::adam_step_(a, b, c, d, step);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what()).find("adam_step_") != std::string::npos;
    }
    return false;
  };
  EXPECT_TRUE(throws_naming_op(p, m, s, ones({4})));
  EXPECT_TRUE(throws_naming_op(p, m, s, ones({3}, DType::f64)));
  EXPECT_TRUE(throws_naming_op(p, p, s, g));
  EXPECT_TRUE(throws_naming_op(p, expand(zeros({1}), {3}), s, g));
  EXPECT_TRUE(throws_naming_op(zeros({3}, DType::i64), zeros({3}, DType::i64), zeros({3}, DType::i64),
                               ones({3}, DType::i64)));
  prim::adam_step_(p, m, s, g, step);
  // m = 0.1 g, s = 0.001 g^2, p -= 0.01 m / (sqrt(s) / 0.03 + eps).
  EXPECT_NEAR(to_vector<float>(m)[0], 0.1, 1e-7);
  EXPECT_NEAR(to_vector<float>(s)[0], 0.001, 1e-9);
  EXPECT_NEAR(to_vector<float>(p)[0], -0.01 * 0.1 / (std::sqrt(0.001) / 0.03 + 1e-8), 1e-7);
}

}  // namespace
}  // namespace nabla::nn
