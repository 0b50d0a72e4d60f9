#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "models/nn/nn.h"
#include "tests/testing.h"

namespace nabla::nn {
namespace {

using testing::allclose;

// The gradients fed to the optimizers, step by step, for a 2-element parameter.
const std::vector<std::array<double, 2>> kGrads = {{0.5, -1.0}, {0.2, 0.3}, {-0.4, 2.0}, {1.5, -0.1}};
const std::array<double, 2> kStart = {1.0, -2.0};

// Runs opt over kGrads (one step each) and checks p against ref after every
// step. ref(step_index, p_before, g) updates its own copy of the state.
void run_and_compare(Optimizer& opt, const Tensor& p,
                     const std::function<void(int, std::array<double, 2>&, std::array<double, 2>)>& ref) {
  std::array<double, 2> expected = kStart;
  for (size_t s = 0; s < kGrads.size(); ++s) {
    p.set_grad(tensor<double>({kGrads[s][0], kGrads[s][1]}));
    opt.step();
    ref(static_cast<int>(s), expected, kGrads[s]);
    const auto got = to_vector<double>(p);
    for (int j = 0; j < 2; ++j) EXPECT_NEAR(got[j], expected[j], 1e-14) << "step " << s << " element " << j;
  }
}

Tensor start_param() { return tensor<double>({kStart[0], kStart[1]}).requires_grad_(); }

TEST(NnOptim, SGDMomentumWeightDecay) {
  for (bool nesterov : {false, true}) {
    Tensor p = start_param();
    SGD opt({p}, 0.1, {.momentum = 0.9, .weight_decay = 0.01, .nesterov = nesterov});
    std::array<double, 2> buf{};
    run_and_compare(opt, p, [&](int s, std::array<double, 2>& x, std::array<double, 2> g) {
      for (int j = 0; j < 2; ++j) {
        const double gj = g[j] + 0.01 * x[j];
        buf[j] = s == 0 ? gj : 0.9 * buf[j] + gj;
        x[j] -= 0.1 * (nesterov ? gj + 0.9 * buf[j] : buf[j]);
      }
    });
  }
}

TEST(NnOptim, SGDPlainAndDampening) {
  Tensor p = start_param();
  SGD opt({p}, 0.5, {.momentum = 0.5, .dampening = 0.3});
  std::array<double, 2> buf{};
  run_and_compare(opt, p, [&](int s, std::array<double, 2>& x, std::array<double, 2> g) {
    for (int j = 0; j < 2; ++j) {
      buf[j] = s == 0 ? g[j] : 0.5 * buf[j] + 0.7 * g[j];
      x[j] -= 0.5 * buf[j];
    }
  });
  // One plain step: p - lr g.
  Tensor q = start_param();
  SGD plain({q}, 0.25);
  q.set_grad(tensor<double>({1.0, 2.0}));
  plain.step();
  EXPECT_TRUE(allclose(q, tensor<double>({0.75, -2.5}), 0, 0));
}

TEST(NnOptim, AdamMatchesTorchFormulas) {
  Tensor p = start_param();
  Adam opt({p}, 0.1, {.beta1 = 0.8, .beta2 = 0.99, .eps = 1e-3, .weight_decay = 0.05});
  std::array<double, 2> m{}, v{};
  run_and_compare(opt, p, [&](int s, std::array<double, 2>& x, std::array<double, 2> g) {
    const double t = s + 1;
    for (int j = 0; j < 2; ++j) {
      const double gj = g[j] + 0.05 * x[j];
      m[j] = 0.8 * m[j] + 0.2 * gj;
      v[j] = 0.99 * v[j] + 0.01 * gj * gj;
      const double mhat = m[j] / (1 - std::pow(0.8, t));
      const double denom = std::sqrt(v[j]) / std::sqrt(1 - std::pow(0.99, t)) + 1e-3;
      x[j] -= 0.1 * mhat / denom;
    }
  });
  // First step of plain Adam moves each coordinate by about lr against the gradient's sign.
  Tensor q = start_param();
  Adam first({q}, 0.01);
  q.set_grad(tensor<double>({3.0, -0.5}));
  first.step();
  EXPECT_TRUE(allclose(q, tensor<double>({0.99, -1.99}), 0, 1e-8));
}

TEST(NnOptim, RMSpropPlainCenteredMomentum) {
  for (bool centered : {false, true}) {
    for (double momentum : {0.0, 0.9}) {
      Tensor p = start_param();
      RMSprop opt({p}, 0.01, {.weight_decay = 0.1, .momentum = momentum, .centered = centered});
      std::array<double, 2> sq{}, ga{}, buf{};
      run_and_compare(opt, p, [&](int, std::array<double, 2>& x, std::array<double, 2> g) {
        for (int j = 0; j < 2; ++j) {
          const double gj = g[j] + 0.1 * x[j];
          sq[j] = 0.99 * sq[j] + 0.01 * gj * gj;
          ga[j] = 0.99 * ga[j] + 0.01 * gj;
          const double avg = std::sqrt(centered ? sq[j] - ga[j] * ga[j] : sq[j]) + 1e-8;
          if (momentum > 0) {
            buf[j] = momentum * buf[j] + gj / avg;
            x[j] -= 0.01 * buf[j];
          } else {
            x[j] -= 0.01 * gj / avg;
          }
        }
      });
    }
  }
}

// f(p) = sum a (p - c)^2 with a = [1, 10], c = [3, -1].
double minimise(Optimizer& opt, const Tensor& p, int steps) {
  const Tensor a = tensor<double>({1, 10}), c = tensor<double>({3, -1});
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    backward(sum(a * square(p - c)));
    opt.step();
  }
  return max(abs(detach(p) - c)).item();
}

TEST(NnOptim, EachMinimisesAQuadratic) {
  {
    Tensor p = zeros({2}, DType::f64).requires_grad_();
    SGD opt({p}, 0.02, {.momentum = 0.9});
    EXPECT_LT(minimise(opt, p, 300), 1e-6);
  }
  {
    Tensor p = zeros({2}, DType::f64).requires_grad_();
    Adam opt({p}, 0.1);
    EXPECT_LT(minimise(opt, p, 1000), 1e-3);
  }
  {
    Tensor p = zeros({2}, DType::f64).requires_grad_();
    RMSprop opt({p}, 0.01);
    LRSchedule sched = LRSchedule::linear(1000);
    const Tensor a = tensor<double>({1, 10}), c = tensor<double>({3, -1});
    for (int i = 0; i < 1000; ++i) {
      sched.apply(opt, 0.01, i);
      opt.zero_grad();
      backward(sum(a * square(p - c)));
      opt.step();
    }
    EXPECT_LT(max(abs(detach(p) - c)).item(), 1e-3);
  }
}

TEST(NnOptim, SkipsParametersWithoutGrad) {
  Tensor p = start_param(), q = start_param();
  Adam opt({p, q}, 0.1);
  p.set_grad(tensor<double>({1.0, 1.0}));
  opt.step();
  EXPECT_TRUE(allclose(q, start_param(), 0, 0));
  EXPECT_FALSE(allclose(p, start_param(), 0, 0));
  p.set_grad(zeros({3}, DType::f64));
  EXPECT_THROW(opt.step(), std::invalid_argument);
}

TEST(NnOptim, StateDictResumesExactly) {
  Tensor p = start_param();
  Adam opt({p}, 0.05);
  auto feed = [](Optimizer& o, const Tensor& x, size_t s) {
    x.set_grad(tensor<double>({kGrads[s][0], kGrads[s][1]}));
    o.step();
  };
  feed(opt, p, 0);
  feed(opt, p, 1);
  const OptimizerState saved = opt.state_dict();
  Tensor q = detach(clone(p)).requires_grad_();
  std::vector<std::string> keys;
  for (const auto& [k, t] : saved.tensors) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"0.exp_avg", "0.exp_avg_sq"}));
  Adam resumed({q}, 123.0);
  resumed.load_state_dict(saved);
  EXPECT_EQ(resumed.lr(), 0.05);
  EXPECT_EQ(resumed.step_count(), 2);
  feed(opt, p, 2);
  feed(opt, p, 3);
  feed(resumed, q, 2);
  feed(resumed, q, 3);
  EXPECT_TRUE(allclose(q, p, 0, 0));
  // The saved state is a snapshot, not an alias of the live buffers.
  EXPECT_FALSE(allclose(saved.tensors[0].second, opt.state_dict().tensors[0].second, 0, 0));

  OptimizerState bad = saved;
  bad.tensors[0].second = zeros({3}, DType::f64);
  EXPECT_THROW(resumed.load_state_dict(bad), std::invalid_argument);
  bad = saved;
  bad.tensors[0].first = "7.exp_avg";
  EXPECT_THROW(resumed.load_state_dict(bad), std::invalid_argument);
}

TEST(NnOptim, Schedules) {
  const LRSchedule c = LRSchedule::constant();
  EXPECT_EQ(c.factor(0), 1.0);
  EXPECT_EQ(c.factor(12345), 1.0);
  const LRSchedule lin = LRSchedule::linear(10);
  EXPECT_DOUBLE_EQ(lin.factor(0), 1.0);
  EXPECT_DOUBLE_EQ(lin.factor(5), 0.5);
  EXPECT_DOUBLE_EQ(lin.factor(10), 0.0);
  EXPECT_DOUBLE_EQ(lin.factor(25), 0.0);
  const LRSchedule lin_final = LRSchedule::linear(10, 0.1);
  EXPECT_DOUBLE_EQ(lin_final.factor(5), 0.55);
  EXPECT_DOUBLE_EQ(lin_final.factor(100), 0.1);
  EXPECT_DOUBLE_EQ(lin_final.lr(2e-4, 5), 1.1e-4);
  const LRSchedule step = LRSchedule::step(3, 0.5);
  EXPECT_DOUBLE_EQ(step.factor(2), 1.0);
  EXPECT_DOUBLE_EQ(step.factor(3), 0.5);
  EXPECT_DOUBLE_EQ(step.factor(7), 0.25);
  Tensor p = start_param();
  SGD opt({p}, 1.0);
  step.apply(opt, 0.2, 6);
  EXPECT_DOUBLE_EQ(opt.lr(), 0.05);
  EXPECT_THROW(LRSchedule::linear(0), std::invalid_argument);
  EXPECT_THROW(LRSchedule::step(0), std::invalid_argument);
}

TEST(NnOptim, ClipGradNorm) {
  Tensor a = zeros({2}, DType::f64).requires_grad_(), b = zeros({1}, DType::f64).requires_grad_();
  Tensor c = zeros({1}, DType::f64).requires_grad_();  // no grad: ignored
  a.set_grad(tensor<double>({3.0, 4.0}));
  b.set_grad(tensor<double>({12.0}));
  EXPECT_DOUBLE_EQ(clip_grad_norm_({a, b, c}, 100.0), 13.0);
  EXPECT_TRUE(allclose(a.grad(), tensor<double>({3.0, 4.0}), 0, 0));  // under the bound: unchanged
  EXPECT_DOUBLE_EQ(clip_grad_norm_({a, b, c}, 6.5), 13.0);
  const double k = 6.5 / (13.0 + 1e-6);
  EXPECT_TRUE(allclose(a.grad(), tensor<double>({3.0 * k, 4.0 * k}), 1e-15, 0));
  EXPECT_TRUE(allclose(b.grad(), tensor<double>({12.0 * k}), 1e-15, 0));
  EXPECT_NEAR(clip_grad_norm_({a, b}, 100.0), 6.5, 1e-6);
}

TEST(NnOptim, ClipWeights) {
  Tensor p = tensor<double>({-0.5, 0.001, 0.3}).requires_grad_();
  clip_weights_({p}, 0.01);
  EXPECT_TRUE(allclose(p, tensor<double>({-0.01, 0.001, 0.01}), 0, 0));
  EXPECT_TRUE(p.requires_grad());
}

}  // namespace
}  // namespace nabla::nn
