// Option eval_metrics: which metrics::evaluate scores a GAN logs while it
// trains (precision/recall with a classifier, pixel metrics without one).
#include <sstream>

#include <gtest/gtest.h>

#include "models/gan/gan_trainer.h"
#include "models/io/metrics_log.h"
#include "models/registry.h"
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

train::TrainConfig gan_scoring(const std::string& out, const std::string& metrics, const std::string& classifier) {
  train::TrainConfig c = train::testing::small_config("gan", out, 2);
  c.sample_every = 2;
  c.log_every = 1;
  c.options["eval_metrics"] = metrics;
  c.options["fid_samples"] = 150;
  if (!classifier.empty()) c.options["fid_classifier"] = classifier;
  return c;
}

std::map<std::string, double> logged_at(const std::string& metrics_file, int64_t step) {
  for (const auto& r : io::read_metrics(metrics_file).records)
    if (r.step == step) return r.values;
  return {};
}

TEST(GanEvalMetrics, LogsPrecisionRecallAndPixelMetrics) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  train::TrainConfig clf = train::testing::small_config("classifier", dir.file("clf"), 1);
  clf.options["eval_n"] = 16;
  const std::string classifier = run(clf).checkpoint;
  run(gan_scoring(dir.file("pr"), "fid,pr", classifier));
  auto v = logged_at(dir.file("pr/metrics.jsonl"), 2);
  ASSERT_TRUE(v.count("fid") && v.count("precision") && v.count("recall"));
  EXPECT_FALSE(v.count("is"));
  EXPECT_GE(v["precision"], 0.0);
  EXPECT_LE(v["recall"], 1.0);
  // No classifier: the Geometry Score on pixels alone.
  run(gan_scoring(dir.file("gs"), "gs", ""));
  v = logged_at(dir.file("gs/metrics.jsonl"), 2);
  ASSERT_TRUE(v.count("gs"));
  EXPECT_FALSE(v.count("fid"));
  EXPECT_GE(v["gs"], 0.0);
}

TEST(GanEvalMetrics, OptionsAreChecked) {
  auto make = [](const train::TrainConfig& c) { return find_model("gan").make(c); };
  EXPECT_THROW_MESSAGE(make(gan_scoring("", "fid,nosuch", "clf.safetensors")), std::invalid_argument,
                       "eval_metrics", "nosuch");
  EXPECT_THROW_MESSAGE(make(gan_scoring("", "pr", "")), std::invalid_argument, "pr needs fid_classifier");
  EXPECT_THROW_MESSAGE(make(gan_scoring("", "jacobian", "")), std::invalid_argument, "jac_n");
  const auto t = make(gan_scoring("", "fid,is,pr", "clf.safetensors"));
  EXPECT_EQ(dynamic_cast<GanTrainer&>(*t).fid_options().metrics, (std::vector<std::string>{"fid", "is", "pr"}));
  train::TrainConfig c = gan_scoring("", "", "clf.safetensors");
  c.options.erase("eval_metrics");
  EXPECT_EQ(dynamic_cast<GanTrainer&>(*make(c)).fid_options().metrics, (std::vector<std::string>{"fid", "is"}));
}

}  // namespace
}  // namespace nabla::gan
