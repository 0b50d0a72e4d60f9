// Mixed precision in training: the loss scaler's rules, --precision bf16 for
// the GAN trainer (bf16 products, f32 master weights and losses), the refusal
// for trainers without it, and a 2-D GAN that learns in bf16 about as well as
// in f32.
#include <cmath>
#include <filesystem>
#include <limits>
#include <sstream>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "core/cpu_memory.h"
#include "models/gan/nets.h"
#include "models/gan/gan_trainer.h"
#include "models/gan/toy2d.h"
#include "models/registry.h"
#include "models/train/loop.h"
#include "models/train/checkpoint.h"
#include "models/train/loss_scale.h"
#include "tests/models/data_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla {
namespace {

using train::LossScaler;

Tensor param_with_grad(std::vector<float> grad) {
  Tensor p = zeros({static_cast<int64_t>(grad.size())});
  p.requires_grad_(true);
  p.set_grad(tensor<float>(grad, {static_cast<int64_t>(grad.size())}));
  return p;
}

TEST(LossScaler, ParsesItsSpec) {
  EXPECT_FALSE(LossScaler::parse("none").enabled());
  const LossScaler d = LossScaler::parse("dynamic");
  EXPECT_TRUE(d.dynamic());
  EXPECT_EQ(d.scale(), 65536.0);  // GradScaler's init
  const LossScaler c = LossScaler::parse("1024");
  EXPECT_TRUE(c.enabled());
  EXPECT_FALSE(c.dynamic());
  EXPECT_EQ(c.scale(), 1024.0);
  for (const char* bad : {"0", "-2", "abc", "12x", "inf"})
    EXPECT_THROW_MESSAGE(LossScaler::parse(bad), std::invalid_argument, "--loss-scale", bad);
}

TEST(LossScaler, UnscalesAndSkipsAStepWithAnInfGradient) {
  LossScaler s = LossScaler::parse("dynamic", {.init = 8, .growth = 2, .backoff = 0.5, .interval = 3});
  const Tensor loss = scalar(1.5);
  EXPECT_EQ(s.scale_loss(loss).item(), 12.0);
  const Tensor a = param_with_grad({8, -16}), b = param_with_grad({4});
  EXPECT_TRUE(s.unscale({a, b}));
  EXPECT_TRUE(testing::allclose(a.grad(), tensor<float>({1, -2}, {2}), 0, 0));
  EXPECT_TRUE(testing::allclose(b.grad(), tensor<float>({0.5f}, {1}), 0, 0));
  s.update();
  EXPECT_EQ(s.scale(), 8.0);
  // An inf in one gradient, a NaN in another: the step is skipped, the scale halves.
  const Tensor c = param_with_grad({1, std::numeric_limits<float>::infinity()});
  EXPECT_FALSE(s.unscale({a, c}));
  EXPECT_FALSE(s.unscale({param_with_grad({NAN})}));
  EXPECT_EQ(s.skipped(), 2);
  s.update();
  EXPECT_EQ(s.scale(), 4.0);
  // Three clean steps in a row double it.
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(s.unscale({param_with_grad({1})}));
    s.update();
    EXPECT_EQ(s.scale(), 4.0);
  }
  EXPECT_TRUE(s.unscale({param_with_grad({1})}));
  s.update();
  EXPECT_EQ(s.scale(), 8.0);
  // The state round-trips.
  LossScaler r = LossScaler::parse("dynamic");
  r.load(s.state());
  EXPECT_EQ(r.scale(), 8.0);
  EXPECT_EQ(r.skipped(), 2);
}

TEST(LossScaler, ConstantAndNoneNeverChange) {
  LossScaler c = LossScaler::parse("256");
  EXPECT_FALSE(c.unscale({param_with_grad({INFINITY})}));
  c.update();
  EXPECT_EQ(c.scale(), 256.0);
  LossScaler none;
  const Tensor p = param_with_grad({INFINITY});
  EXPECT_TRUE(none.unscale({p}));  // disabled: no check, nothing skipped
  EXPECT_EQ(none.scale_loss(scalar(3.0)).item(), 3.0);
}

train::TrainConfig ring_config(const std::string& precision, const std::string& loss_scale = "none") {
  train::TrainConfig c = train::testing::small_config("gan", "", 300);
  c.batch = 64;
  c.lr = 1e-3;
  c.log_every = 1 << 30;
  c.options["data"] = "ring8";
  c.precision = precision;
  c.loss_scale = loss_scale;
  return c;
}

// Mean distance of 2500 samples to the nearest ring centre, before and after `steps`.
std::pair<double, double> ring_distance(const train::TrainConfig& c, int64_t steps, double* last_scale = nullptr) {
  std::unique_ptr<train::Trainer> t = find_model("gan").make(c);
  auto& gan = dynamic_cast<gan::GanTrainer&>(*t);
  Generator gen(11);
  const double before = gan::mode_stats(t->sample(2500, gen), gan.toy_set().centres, gan.toy_set().std).mean_distance;
  std::map<std::string, double> m;
  for (int64_t i = 0; i < steps; ++i) m = t->step();
  if (last_scale) *last_scale = m.count("loss_scale") ? m.at("loss_scale") : 0;
  for (const Tensor& p : gan.generator().parameters()) EXPECT_EQ(p.dtype(), DType::f32);  // master weights
  gen.set_offset(0);
  const double after = gan::mode_stats(t->sample(2500, gen), gan.toy_set().centres, gan.toy_set().std).mean_distance;
  return {before, after};
}

TEST(MixedPrecision, GanOnTheRingLearnsInBf16LikeF32) {
  const auto [before32, after32] = ring_distance(ring_config("f32"), 300);
  const auto [before16, after16] = ring_distance(ring_config("bf16"), 300);
  std::cout << "ring8 mean distance: f32 " << before32 << " -> " << after32 << ", bf16 " << before16 << " -> "
            << after16 << "\n";
  EXPECT_NEAR(before16, before32, 0.02 * before32);  // the same initial G, run in bf16
  EXPECT_LT(after32, 0.6 * before32);
  EXPECT_LT(after16, 0.6 * before16);
  EXPECT_LT(after16, 1.5 * after32 + 0.05);
}

TEST(MixedPrecision, DynamicLossScaleTrainsAndLogsTheScale) {
  double scale = 0;
  const auto [before, after] = ring_distance(ring_config("bf16", "dynamic"), 40, &scale);
  EXPECT_LT(after, before);
  EXPECT_EQ(scale, 65536.0);  // no overflow in 40 steps, no growth before 2000
}

TEST(MixedPrecision, BatchNormAndConvsRunUnderAutocast) {
  // The DCGAN-28 G (linear, batch norm + ReLU fused, conv_transpose, fused
  // conv_transpose + tanh) and D: one bf16 step gives finite losses.
  train::TrainConfig c = train::testing::small_config("dcgan", "", 1);
  c.batch = 4;
  c.precision = "bf16";
  std::unique_ptr<train::Trainer> t = find_model("dcgan").make(c);
  auto& gan = dynamic_cast<gan::GanTrainer&>(*t);
  Tensor z = randn({2, gan.latent_dim()});
  Tensor x;
  {
    AutocastGuard guard(DType::bf16);
    x = gan.generator()(z);
    EXPECT_EQ(x.dtype(), DType::bf16);
    EXPECT_EQ(gan.discriminator()(x).dtype(), DType::bf16);
  }
  EXPECT_EQ(x.shape(), (Shape{2, 1, 28, 28}));
  EXPECT_EQ(gan.generate(z).dtype(), DType::f32);
}

// The bytes a forward pass's graph keeps alive for backward. Under bf16 the
// saved activations take half, plus a bf16 copy of each weight (and of an f32
// input): for the MLP discriminator at batch 1024 that is break-even from an
// f32 input, and a saving from a bf16 one (an activation of an earlier bf16
// layer).
uint64_t graph_bytes(nn::Module& d, const Tensor& x, DType precision) {
  const uint64_t before = cpu_memory_stats().live_bytes;
  Tensor out;
  {
    AutocastGuard guard(precision);
    out = autocast_f32(d(x));
  }
  return cpu_memory_stats().live_bytes - before;
}

TEST(MixedPrecision, SavedActivationsTakeLessMemory) {
  Generator init(1);
  const nn::ModulePtr d = gan::mlp_discriminator(&init);
  const Tensor x = randn({1024, 1, 28, 28}), xb = to(x, DType::bf16);
  const uint64_t f32 = graph_bytes(*d, x, DType::f32), from_f32 = graph_bytes(*d, x, DType::bf16);
  const uint64_t from_bf16 = graph_bytes(*d, xb, DType::bf16);
  std::cout << "MLP D graph at batch 1024: f32 " << f32 / 1024 << " KiB, bf16 " << from_f32 / 1024
            << " KiB (f32 input), " << from_bf16 / 1024 << " KiB (bf16 input)\n";
  EXPECT_GT(f32, 0u);
  EXPECT_LT(from_bf16, 0.75 * f32);
  EXPECT_LT(from_f32, 1.1 * f32);
}

// A bf16 run with dynamic loss scaling stopped and resumed (without naming
// the precision again) ends with the same bits as one never stopped.
TEST(MixedPrecision, ResumedBf16RunMatchesAnUninterruptedRunBitwise) {
  data::testing::TempDir straight_dir, resumed_dir;
  std::ostringstream out;
  auto config = [](const std::string& dir, int64_t steps) {
    train::TrainConfig c = ring_config("bf16", "dynamic");
    c.out = dir;
    c.steps = steps;
    c.batch = 16;
    c.log_every = 1;
    return c;
  };
  const train::RunResult straight = train_model(config(straight_dir.str(), 4), out);
  const train::RunResult stopped = train_model(config(resumed_dir.str(), 2), out);
  train::TrainConfig rest;
  rest.resume = stopped.checkpoint;
  rest.steps = 4;
  rest.progress = false;
  const train::RunResult resumed = train_model(rest, out);
  EXPECT_EQ(straight.losses, resumed.losses);
  EXPECT_EQ(resumed.losses.at("loss_scale"), 65536.0);
  const train::Checkpoint ck = train::load_checkpoint(resumed.checkpoint);
  EXPECT_EQ(ck.config.precision, "bf16");
  EXPECT_EQ(ck.config.loss_scale, "dynamic");
  const NamedTensors want = train::load_checkpoint(straight.checkpoint).state.tensors;
  ASSERT_EQ(want.size(), ck.state.tensors.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].first, ck.state.tensors[i].first);
    EXPECT_TRUE(testing::bitwise_equal(want[i].second, ck.state.tensors[i].second)) << want[i].first;
  }
}

TEST(MixedPrecision, RefusedWhereUnsupportedAndRecorded) {
  std::ostringstream out;
  train::TrainConfig c = train::testing::small_config("vae", ::testing::TempDir() + "/bf16_vae", 1);
  c.precision = "bf16";
  EXPECT_THROW_MESSAGE(train_model(c, out), std::invalid_argument, "vae", "--precision bf16",
                       "no mixed-precision path");
  c.precision = "f16";
  EXPECT_THROW_MESSAGE(train_model(c, out), std::invalid_argument, "--precision", "f16");
  c.precision = "f32";
  c.loss_scale = "dynamic";
  EXPECT_THROW_MESSAGE(train_model(c, out), std::invalid_argument, "--loss-scale", "bf16");
  // The config records precision and loss scale; an older config without them reads as f32 / none.
  train::TrainConfig g = ring_config("bf16", "dynamic");
  const train::TrainConfig back = train::TrainConfig::from_json(g.to_json());
  EXPECT_EQ(back.precision, "bf16");
  EXPECT_EQ(back.loss_scale, "dynamic");
  nlohmann::json old = g.to_json();
  old.erase("precision");
  old.erase("loss_scale");
  EXPECT_EQ(train::TrainConfig::from_json(old).precision, "f32");
  EXPECT_EQ(train::TrainConfig::from_json(old).loss_scale, "none");
}

}  // namespace
}  // namespace nabla
