// The shared training loop: the run folder it leaves, resuming bit for bit,
// and its errors.
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "models/data/mnist.h"
#include "models/io/metrics_log.h"
#include "models/registry.h"
#include "models/train/checkpoint.h"
#include "models/train/loop.h"
#include "tests/models/data_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::train {
namespace {

using data::testing::TempDir;
using testing::small_config;

RunResult run(const TrainConfig& c) {
  std::ostringstream out;
  return train_model(c, out);
}

// Every tensor of two checkpoints equal bit for bit, in the same order.
void expect_same_state(const Checkpoint& a, const Checkpoint& b) {
  ASSERT_EQ(a.state.tensors.size(), b.state.tensors.size());
  for (size_t i = 0; i < a.state.tensors.size(); ++i) {
    const auto& [name_a, ta] = a.state.tensors[i];
    const auto& [name_b, tb] = b.state.tensors[i];
    ASSERT_EQ(name_a, name_b);
    ASSERT_EQ(ta.shape(), tb.shape()) << name_a;
    EXPECT_TRUE(nabla::testing::bitwise_equal(ta, tb)) << name_a;
  }
  EXPECT_EQ(a.state.values, b.state.values);
}

TEST(TrainLoop, LeavesARunFolder) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  TrainConfig c = small_config("mlpgan", dir.str(), 4);
  c.sample_every = 2;
  const RunResult r = run(c);
  EXPECT_EQ(r.steps, 4);
  namespace fs = std::filesystem;
  for (const char* f : {"config.json", "metrics.jsonl", "samples.png", "plots/loss.png", "samples/samples-000002.png",
                        "samples/samples-000004.png", "checkpoints/step-00000004.safetensors"})
    EXPECT_TRUE(fs::exists(dir.file(f))) << f;
  const io::Metrics m = io::read_metrics(dir.file("metrics.jsonl"));
  ASSERT_EQ(m.records.size(), 4u);
  EXPECT_EQ(m.records.back().step, 4);
  EXPECT_TRUE(m.records.back().values.count("loss_d") && m.records.back().values.count("loss_g"));
  int events = 0;
  for (const auto& e : fs::directory_iterator(dir.str()))
    events += e.path().filename().string().rfind("events.out.tfevents.", 0) == 0;
  EXPECT_EQ(events, 1);
  const Checkpoint ck = load_checkpoint(r.checkpoint);
  EXPECT_EQ(ck.step, 4);
  EXPECT_EQ(ck.config.model, "mlpgan");
  EXPECT_EQ(ck.config.batch, 16);
}

// The promise: a run stopped at a checkpoint and resumed ends with
// the same numbers as a run never stopped.
void check_resume_is_bitwise(const std::string& model, int64_t steps, int64_t stop_at,
                             const nlohmann::json& options = nlohmann::json::object()) {
  SCOPED_TRACE(model + " " + options.dump());
  TempDir straight_dir, resumed_dir;
  TrainConfig straight_config = small_config(model, straight_dir.str(), steps);
  straight_config.options = options;
  const RunResult straight = run(straight_config);
  TrainConfig first = small_config(model, resumed_dir.str(), stop_at);
  first.options = options;
  const RunResult stopped = run(first);
  TrainConfig rest;
  rest.resume = stopped.checkpoint;
  rest.steps = steps;
  rest.progress = false;
  const RunResult resumed = run(rest);
  EXPECT_EQ(resumed.run_dir, std::filesystem::absolute(resumed_dir.str()).string());
  expect_same_state(load_checkpoint(straight.checkpoint), load_checkpoint(resumed.checkpoint));
  EXPECT_EQ(straight.losses, resumed.losses);
  const io::Metrics m = io::read_metrics(resumed_dir.file("metrics.jsonl"));
  ASSERT_EQ(m.records.size(), static_cast<size_t>(steps));
  for (int64_t i = 0; i < steps; ++i) EXPECT_EQ(m.records[i].step, i + 1);
}

TEST(TrainLoop, ResumedMlpGanMatchesAnUninterruptedRunBitwise) {
  SKIP_WITHOUT_FASHION_MNIST();
  check_resume_is_bitwise("mlpgan", 6, 3);
}

TEST(TrainLoop, ResumedDcganMatchesAnUninterruptedRunBitwise) {
  SKIP_WITHOUT_FASHION_MNIST();
  check_resume_is_bitwise("dcgan", 3, 1);
}

// The 2-D GAN variants: WGAN-GP's double backward, WGAN's RMSprop and
// clipping, SN-GAN's power-iteration buffers, instance noise and R1 on the
// annealing schedule.
TEST(TrainLoop, ResumedRing8GanVariantsMatchAnUninterruptedRunBitwise) {
  check_resume_is_bitwise("wgan-gp", 4, 2, {{"data", "ring8"}});
  check_resume_is_bitwise("wgan", 4, 2, {{"data", "ring8"}});
  check_resume_is_bitwise("sngan", 4, 2, {{"data", "ring8"}, {"noise", 0.1}, {"noise_steps", 10}, {"r1", 1.0}});
  check_resume_is_bitwise("lsgan-qi", 4, 2, {{"data", "ring8"}});
  check_resume_is_bitwise("glsgan", 4, 2, {{"data", "ring8"}});
}

// The generator-Jacobian options and the tempered lens: the lens's weights
// and optimizer are in the state; clamping and the tangent directions draw
// from the saved noise stream; the spectrum is logged with each sample grid.
TEST(TrainLoop, ResumedRing8GanWithJacobianOptionsAndLensMatchesBitwise) {
  check_resume_is_bitwise("gan", 4, 2,
                          {{"data", "ring8"}, {"jc", 1}, {"tangent", 0.1}, {"tangent_dirs", 2}, {"lens", 1},
                           {"lens_steps", 3}, {"jac_n", 4}});
}

// Batch GANs: the mixed batches' ratio and mask come from the saved stream.
TEST(TrainLoop, ResumedBatchGansMatchAnUninterruptedRunBitwise) {
  check_resume_is_bitwise("bgan", 4, 2);
  check_resume_is_bitwise("m-bgan", 4, 2, {{"data", "grid25"}});
}

// CycleGAN: four nets, two optimizers, two class-filtered loaders; BGAN on images.
TEST(TrainLoop, ResumedCycleGanAndImageBganMatchAnUninterruptedRunBitwise) {
  SKIP_WITHOUT_FASHION_MNIST();
  check_resume_is_bitwise("cyclegan", 3, 1, {{"eval_n", 4}});
  check_resume_is_bitwise("bgan", 3, 1, {{"data", "fashion"}});
}

// cgan and aegan: on ring8 (always) and on Fashion-MNIST (labels through the
// image loader; AEGAN's four nets and three optimizers).
TEST(TrainLoop, ResumedCganAndAeganMatchAnUninterruptedRunBitwise) {
  check_resume_is_bitwise("cgan", 4, 2, {{"data", "ring8"}});
  check_resume_is_bitwise("aegan", 4, 2, {{"data", "ring8"}});
  SKIP_WITHOUT_FASHION_MNIST();
  check_resume_is_bitwise("cgan", 3, 1);
  check_resume_is_bitwise("aegan", 3, 1);
}

// The VAEs: the reparameterisation noise stream, the step count behind the
// beta schedule and the last-step IWAE score.
TEST(TrainLoop, ResumedVaesAndAutoencodersMatchAnUninterruptedRunBitwise) {
  SKIP_WITHOUT_FASHION_MNIST();
  const nlohmann::json small = {{"hidden", 32}, {"z_dim", 4}, {"eval_n", 50}, {"iwae_k", 3}, {"iwae_n", 4}};
  // beta = 0, 1/3, 2/3, 1: the resumed run must restore the step count.
  nlohmann::json warmup = small;
  warmup["beta_schedule"] = "linear";
  warmup["warmup"] = 3;
  check_resume_is_bitwise("vae", 4, 2, warmup);
  check_resume_is_bitwise("cvae", 4, 2, small);
  nlohmann::json gaussian = small;
  gaussian["decoder"] = "gaussian";
  gaussian["variance"] = "learned";
  check_resume_is_bitwise("conv-vae", 3, 1, gaussian);
  // An autoencoder with its corruption noise stream.
  check_resume_is_bitwise("denoising-ae", 4, 2, {{"hidden", 32}, {"eval_n", 50}, {"noise", "gaussian"}});
}

// The flows: ActNorm's data-dependent init, the dequantisation noise stream.
TEST(TrainLoop, ResumedFlowsMatchAnUninterruptedRunBitwise) {
  SKIP_WITHOUT_FASHION_MNIST();
  check_resume_is_bitwise("nice", 4, 2, {{"hidden", 16}, {"eval_n", 20}});
  check_resume_is_bitwise("realnvp", 3, 1, {{"width", 4}, {"eval_n", 20}, {"conv1x1", 1}});
}

// PixelCNN, binarised and 256-way, and PixelRNN (their pictures sample sequentially: tiny nets).
TEST(TrainLoop, ResumedPixelCnnMatchesAnUninterruptedRunBitwise) {
  SKIP_WITHOUT_FASHION_MNIST();
  const nlohmann::json tiny = {{"width", 4}, {"blocks", 1}, {"out_hidden", 4}, {"eval_n", 20}, {"completions", 1}, {"picture_n", 8}};
  check_resume_is_bitwise("pixelcnn", 3, 1, tiny);
  nlohmann::json softmax = tiny;
  softmax["levels"] = 256;
  check_resume_is_bitwise("pixelcnn", 3, 1, softmax);
  check_resume_is_bitwise("pixelrnn", 3, 1, {{"hidden", 2}, {"layers", 1}, {"out_hidden", 4}, {"eval_n", 20}, {"completions", 1}, {"picture_n", 8}});
}

TEST(TrainLoop, ClearErrors) {
  TempDir dir;
  EXPECT_THROW_MESSAGE(find_model("nosuch"), std::invalid_argument, "unknown model \"nosuch\"", "dcgan", "mlpgan");
  TrainConfig c = small_config("mlpgan", dir.str(), 2);
  c.batch = -1;
  EXPECT_THROW_MESSAGE(run(c), std::invalid_argument, "--batch");
  c = small_config("mlpgan", dir.str(), 2);
  c.data = dir.file("missing");
  EXPECT_THROW_MESSAGE(run(c), std::runtime_error, "missing");
  TrainConfig bad_resume;
  bad_resume.resume = dir.file("nothing.safetensors");
  EXPECT_THROW_MESSAGE(run(bad_resume), std::runtime_error, "nothing.safetensors");
}

TEST(TrainLoop, ResumingPastTheEndSaysSo) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const RunResult r = run(small_config("mlpgan", dir.str(), 2));
  TrainConfig again;
  again.resume = r.checkpoint;
  again.progress = false;
  EXPECT_THROW_MESSAGE(run(again), std::invalid_argument, "at step 2, nothing to do");
}

}  // namespace
}  // namespace nabla::train
