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

std::vector<std::string> keys_of(const StateDict& sd) {
  std::vector<std::string> keys;
  for (const auto& [k, t] : sd) keys.push_back(k);
  return keys;
}

TEST(NnOptim, StateDictNamesAndSnapshot) {
  Tensor p = start_param(), q = start_param();
  Adam opt({p, q}, 0.05);
  p.set_grad(tensor<double>({kGrads[0][0], kGrads[0][1]}));
  opt.step();
  const StateDict saved = opt.state_dict();
  EXPECT_EQ(keys_of(saved), (std::vector<std::string>{"step", "lr", "state.0.step", "state.0.exp_avg",
                                                       "state.0.exp_avg_sq", "state.1.step"}));
  EXPECT_EQ(saved[0].second.dtype(), DType::i64);
  EXPECT_EQ(saved[0].second.item(), 1.0);
  EXPECT_EQ(saved[1].second.dtype(), DType::f64);
  EXPECT_EQ(saved[1].second.item(), 0.05);
  EXPECT_EQ(saved[2].second.item(), 1.0);
  EXPECT_EQ(saved[5].second.item(), 0.0);
  // m after one step is (1 - beta1) g.
  EXPECT_TRUE(allclose(saved[3].second, tensor<double>({0.1 * 0.5, 0.1 * -1.0}), 1e-15, 0));
  // A snapshot, not an alias of the live buffers.
  p.set_grad(tensor<double>({kGrads[1][0], kGrads[1][1]}));
  opt.step();
  EXPECT_FALSE(allclose(saved[3].second, opt.state_dict()[3].second, 0, 0));
}

TEST(NnOptim, LoadStateDictRestoresAndValidates) {
  Tensor p = start_param();
  SGD opt({p}, 0.1, {.momentum = 0.9});
  p.set_grad(tensor<double>({1.0, 2.0}));
  opt.step();
  const StateDict saved = opt.state_dict();
  Tensor q = detach(clone(p)).requires_grad_();
  SGD resumed({q}, 123.0, {.momentum = 0.9});
  resumed.load_state_dict(saved);
  EXPECT_EQ(resumed.lr(), 0.1);
  EXPECT_EQ(resumed.step_count(), 1);
  EXPECT_TRUE(allclose(resumed.state_dict()[3].second, tensor<double>({1.0, 2.0}), 0, 0));

  auto expect_error = [&](const StateDict& bad, const std::string& needle) {
    try {
      resumed.load_state_dict(bad);
      ADD_FAILURE() << "no throw for " << needle;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  StateDict bad = saved;
  bad[3].second = zeros({3}, DType::f64);
  expect_error(bad, "\"state.0.momentum_buffer\" is f64[3]");
  bad = saved;
  bad[3].first = "state.7.momentum_buffer";
  expect_error(bad, "unexpected key \"state.7.momentum_buffer\"");
  bad = saved;
  bad[3].first = "state.0.exp_avg";  // an Adam slot
  expect_error(bad, "unexpected key \"state.0.exp_avg\"");
  bad = saved;
  bad.erase(bad.begin() + 2);
  expect_error(bad, "missing key \"state.0.step\"");
  bad = saved;
  bad[0].second = scalar(1.0, DType::f64);
  expect_error(bad, "\"step\" must be an i64 scalar");
  // Nothing was changed by the failed loads.
  EXPECT_EQ(resumed.lr(), 0.1);
  EXPECT_TRUE(allclose(resumed.state_dict()[3].second, tensor<double>({1.0, 2.0}), 0, 0));
}

// A tiny f32 model with every kind of state: parameters, BatchNorm buffers,
// spectral norm's persistent u and v, and a dropout generator.
struct Tiny {
  Generator drop_gen{77};
  std::shared_ptr<Sequential> net;
  explicit Tiny(uint64_t seed) {
    Generator gen(seed);
    net = std::make_shared<Sequential>(std::vector<ModulePtr>{
        std::make_shared<SpectralNorm>(std::make_shared<Linear>(3, 8, true, Options{}, &gen), "weight", 1, 1e-12,
                                       -1, &gen),
        std::make_shared<BatchNorm1d>(8), std::make_shared<LeakyReLU>(0.2), std::make_shared<Dropout>(0.25, &drop_gen),
        std::make_shared<Linear>(8, 1, true, Options{}, &gen)});
  }
};

void train_steps(Tiny& m, Optimizer& opt, const LRSchedule& sched, int from, int to) {
  for (int s = from; s < to; ++s) {
    Generator data(1000 + s);
    Tensor x = randn({6, 3}, {}, &data), y = randn({6, 1}, {}, &data);
    sched.apply(opt, 0.01, opt.step_count());
    opt.zero_grad();
    backward(mean(square(m.net->forward(x) - y)));
    clip_grad_norm_(opt.params(), 1.0);
    opt.step();
  }
}

void expect_bitwise_equal(const StateDict& a, const StateDict& b) {
  ASSERT_EQ(keys_of(a), keys_of(b));
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].second.dtype(), b[i].second.dtype()) << a[i].first;
    if (a[i].second.dtype() == DType::f32)
      EXPECT_EQ(to_vector<float>(a[i].second), to_vector<float>(b[i].second)) << a[i].first;
    else
      EXPECT_EQ(to_vector<double>(to(a[i].second, DType::f64)), to_vector<double>(to(b[i].second, DType::f64)))
          << a[i].first;
  }
}

template <class Opt, class Opts>
void check_resume(Opts opts) {
  const int n = 7, k = 3;
  const LRSchedule sched = LRSchedule::step(2, 0.5);
  Tiny straight(5);
  Opt opt_straight(straight.net->parameters(), 0.01, opts);
  train_steps(straight, opt_straight, sched, 0, n);

  Tiny first(5);
  Opt opt_first(first.net->parameters(), 0.01, opts);
  train_steps(first, opt_first, sched, 0, k);
  const StateDict model_sd = first.net->state_dict();
  const StateDict opt_sd = opt_first.state_dict();
  const uint64_t drop_offset = first.drop_gen.offset();

  Tiny resumed(99);  // other initial weights, all overwritten by the load
  Opt opt_resumed(resumed.net->parameters(), 0.5, opts);
  resumed.net->load_state_dict(model_sd);
  opt_resumed.load_state_dict(opt_sd);
  resumed.drop_gen.set_offset(drop_offset);
  train_steps(resumed, opt_resumed, sched, k, n);

  expect_bitwise_equal(resumed.net->state_dict(), straight.net->state_dict());
  expect_bitwise_equal(opt_resumed.state_dict(), opt_straight.state_dict());
  // The run moved the weights: the comparison is not between two untouched models.
  EXPECT_NE(to_vector<float>(straight.net->state_dict()[0].second),
            to_vector<float>(Tiny(5).net->state_dict()[0].second));
}

TEST(NnOptim, ResumeFromStateDictsIsBitwiseExact) {
  check_resume<Adam>(AdamOptions{.beta1 = 0.5, .beta2 = 0.999, .weight_decay = 1e-3});
  check_resume<SGD>(SGDOptions{.momentum = 0.9, .weight_decay = 1e-3, .nesterov = true});
  check_resume<RMSprop>(RMSpropOptions{.weight_decay = 1e-3, .momentum = 0.5, .centered = true});
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
