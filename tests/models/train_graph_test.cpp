// --cuda-graph on the CPU: the trainers' split steps (prepare, body, finish:
// what a GPU captures and replays) run eagerly give the eager steps' numbers
// bitwise; the optimizers' graph mode counts and reads its scalars as the
// eager steps do; the refusals name the model and the reason. The capture
// itself is tested on a GPU (tests/cuda/graph_test.cpp).
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/nn/optim.h"
#include "models/train/loop.h"
#include "tests/models/graph_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::train {
namespace {

using testing::run_steps;
using testing::StepMode;

TrainConfig ring(const std::string& model, int64_t batch = 16) {
  TrainConfig c = testing::small_config(model, "", 100);
  c.batch = batch;
  c.log_every = 2;  // the mode metrics (finish's host work) at steps 2 and 4
  c.options["data"] = "ring8";
  return c;
}

void expect_split_matches_eager(const TrainConfig& c, int64_t steps) {
  const testing::StepsRun eager = run_steps(c, steps, StepMode::eager);
  const testing::StepsRun split = run_steps(c, steps, StepMode::split);
  EXPECT_FALSE(split.captured);
  testing::expect_same_run(eager, split);
}

TEST(TrainGraph, SplitStepEqualsEagerStepOn2dGan) { expect_split_matches_eager(ring("gan"), 4); }

// n_critic = 2 with Adam: two D updates per replay, each with its own t.
TEST(TrainGraph, SplitStepEqualsEagerWithTwoCriticStepsOfAdam) {
  TrainConfig c = ring("gan");
  c.options["n_critic"] = 2;
  expect_split_matches_eager(c, 4);
}

// WGAN: RMSprop, weight clipping, n_critic = 5; LS-GAN (Qi): the
// loss-sensitive objective, weight decay, clipping.
TEST(TrainGraph, SplitStepEqualsEagerOnWganAndLsganQi) {
  expect_split_matches_eager(ring("wgan"), 3);
  expect_split_matches_eager(ring("lsgan-qi"), 3);
}

TEST(TrainGraph, SplitStepEqualsEagerOnMlpganAndDcgan) {
  SKIP_WITHOUT_FASHION_MNIST();
  TrainConfig c = testing::small_config("mlpgan", "", 100);
  expect_split_matches_eager(c, 3);
  c = testing::small_config("dcgan", "", 100);
  c.batch = 4;
  expect_split_matches_eager(c, 3);
}

// The optimizer's graph mode alone: the same updates as eager steps, the
// counts advanced by graph_advance(), t read from the scalars of graph_prepare().
TEST(TrainGraph, AdamGraphModeMatchesEagerSteps) {
  auto make = [] {
    Generator gen(3);
    std::vector<Tensor> ps{randn({5}, DType::f32, &gen), randn({2, 3}, DType::f32, &gen)};
    for (const Tensor& p : ps) p.requires_grad_();
    return ps;
  };
  std::vector<Tensor> a = make(), b = make();
  nn::Adam eager(a, 0.1), graph(b, 0.1);
  auto set_grads = [](const std::vector<Tensor>& ps, int step) {
    for (const Tensor& p : ps) p.set_grad(full(p.shape(), 0.5 - step, Options::like(p)));
  };
  set_grads(a, 0);
  eager.step();  // the eager first step (creates the moments), as GraphStepper does
  set_grads(b, 0);
  graph.step();
  graph.begin_graph();
  for (int s = 1; s < 5; ++s) {
    set_grads(a, s);
    eager.step();
    set_grads(b, s);
    graph.graph_prepare();
    graph.step();
    EXPECT_EQ(graph.step_count(), s);  // step() counts nothing in graph mode
    graph.graph_advance();
    EXPECT_EQ(graph.step_count(), s + 1);
    for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(nabla::testing::bitwise_equal(a[i], b[i])) << "step " << s;
  }
  EXPECT_THROW_MESSAGE(graph.step(), std::logic_error, "Adam", "1 step() call");
  graph.end_graph();
  const nn::StateDict se = eager.state_dict(), sg = graph.state_dict();
  ASSERT_EQ(se.size(), sg.size());
  for (size_t i = 0; i < se.size(); ++i)
    EXPECT_TRUE(nabla::testing::bitwise_equal(se[i].second, sg[i].second)) << se[i].first;
}

TEST(TrainGraph, AdamStepScalarsAreChecked) {
  const Tensor p = zeros({3}), g = ones({3});
  EXPECT_THROW_MESSAGE(prim::adam_step_(p, zeros({3}), zeros({3}), g, {}, zeros({3}, DType::f64)),
                       std::invalid_argument, "adam_step_", "step_scalars");
}

TEST(TrainGraph, RefusalsNameTheModelAndTheReason) {
  TrainConfig c = ring("gan");
  std::unique_ptr<Trainer> gan = find_model("gan").make(c);
  EXPECT_THROW_MESSAGE((GraphStepper{*gan, c}), std::invalid_argument, "--cuda-graph", "CUDA device", "cpu");
  c.options["noise"] = 0.1;
  std::unique_ptr<Trainer> noisy = find_model("gan").make(c);
  EXPECT_THROW_MESSAGE((GraphStepper{*noisy, c, false}), std::invalid_argument, "gan cannot run with --cuda-graph",
                       "option noise");
  TrainConfig w = ring("wgan-gp");
  std::unique_ptr<Trainer> wgan_gp = find_model("wgan-gp").make(w);
  EXPECT_THROW_MESSAGE((GraphStepper{*wgan_gp, w, false}), std::invalid_argument, "wgan-gp", "option gp");
  TrainConfig v = testing::small_config("vae", "", 10);
  std::unique_ptr<Trainer> vae = find_model("vae").make(v);
  EXPECT_THROW_MESSAGE((GraphStepper{*vae, v, false}), std::invalid_argument, "vae cannot run with --cuda-graph",
                       "does not split");
}

TEST(TrainGraph, TrainRefusesBeforeMakingTheRunFolder) {
  const std::string out = ::testing::TempDir() + "/graph_refused";
  std::filesystem::remove_all(out);
  TrainConfig c = ring("gan");
  c.out = out;
  c.cuda_graph = true;
  std::ostringstream log;
  EXPECT_THROW_MESSAGE(train_model(c, log), std::invalid_argument, "--cuda-graph", "CUDA device");
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace nabla::train
