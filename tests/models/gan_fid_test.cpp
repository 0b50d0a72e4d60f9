// FID and IS logged while a GAN trains (option fid_classifier): the values
// logged at the sample steps are what metrics::evaluate (`nabla eval`)
// computes for the checkpoint written at that step, and a resumed run logs
// the same values.
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "models/gan/gan_trainer.h"
#include "models/io/metrics_log.h"
#include "models/metrics/evaluate.h"
#include "models/registry.h"
#include "models/train/checkpoint.h"
#include "tests/models/data_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::gan {
namespace {

using data::testing::TempDir;

train::RunResult run(const train::TrainConfig& c) {
  std::ostringstream out;
  return train_model(c, out);
}

// A barely trained classifier (one step) is feature network enough.
std::string tiny_classifier(const TempDir& dir) {
  train::TrainConfig c = train::testing::small_config("classifier", dir.file("clf"), 1);
  c.options["eval_n"] = 16;
  return run(c).checkpoint;
}

train::TrainConfig gan_with_fid(const std::string& out, const std::string& classifier, int64_t steps) {
  train::TrainConfig c = train::testing::small_config("gan", out, steps);
  c.sample_every = 2;
  c.log_every = 1;
  c.options["fid_classifier"] = classifier;
  c.options["fid_samples"] = 150;
  return c;
}

std::map<int64_t, std::map<std::string, double>> by_step(const std::string& metrics_file) {
  std::map<int64_t, std::map<std::string, double>> out;
  for (const auto& r : io::read_metrics(metrics_file).records) out[r.step] = r.values;
  return out;
}

TEST(GanFid, LoggedAtSampleStepsAsEvaluateComputesIt) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  const std::string clf = tiny_classifier(dir);
  const train::RunResult r = run(gan_with_fid(dir.file("gan"), clf, 4));
  auto logged = by_step(dir.file("gan/metrics.jsonl"));
  EXPECT_FALSE(logged[1].count("fid"));
  for (int64_t step : {2, 4}) {
    ASSERT_TRUE(logged[step].count("fid") && logged[step].count("is")) << step;
    EXPECT_GT(logged[step]["fid"], 0);
  }
  EXPECT_NE(logged[2]["fid"], logged[4]["fid"]);  // the model moved
  EXPECT_TRUE(std::filesystem::exists(dir.file("gan/plots/fid.png")));  // metrics::plot_fid_is
  // The checkpoint at step 4, scored afresh.
  const train::Checkpoint c = train::load_checkpoint(r.checkpoint);
  std::unique_ptr<train::Trainer> t = find_model("gan").make(c.config);
  t->load(c.state);
  const metrics::EvalOptions o = dynamic_cast<GanTrainer&>(*t).fid_options();
  EXPECT_EQ(o.n, 150);
  EXPECT_EQ(o.seed, 7u);
  const auto fresh = metrics::evaluate(*t, metrics::FeatureNet::load(clf), o);
  EXPECT_DOUBLE_EQ(fresh.at("fid"), logged[4]["fid"]);
  EXPECT_DOUBLE_EQ(fresh.at("is"), logged[4]["is"]);

  // Resumed from step 2: the same scores at step 4, and scoring changed no state.
  train::TrainConfig rest;
  rest.resume = dir.file("gan/checkpoints/step-00000002.safetensors");
  rest.out = dir.file("resumed");
  rest.progress = false;
  run(rest);
  auto resumed = by_step(dir.file("resumed/metrics.jsonl"));
  EXPECT_DOUBLE_EQ(resumed[4]["fid"], logged[4]["fid"]);
  EXPECT_EQ(resumed[4]["loss_d"], logged[4]["loss_d"]);
}

TEST(GanFid, OptionsAreChecked) {
  train::TrainConfig c = gan_with_fid("", "clf.safetensors", 2);
  c.options["fid_samples"] = 100;
  EXPECT_THROW_MESSAGE(find_model("gan").make(c), std::invalid_argument, "fid_samples", "128");
  c = gan_with_fid("", "clf.safetensors", 2);
  c.options["data"] = "ring8";
  EXPECT_THROW_MESSAGE(find_model("gan").make(c), std::invalid_argument, "fid_classifier", "fashion");
  // dcgan takes no other option, but the FID ones.
  c = train::testing::small_config("dcgan", "", 2);
  c.options["fid_samples"] = 200;
  EXPECT_NO_THROW(find_model("dcgan").make(c));
  c.options["loss"] = "ns";
  EXPECT_THROW(find_model("dcgan").make(c), std::invalid_argument);
}

}  // namespace
}  // namespace nabla::gan
