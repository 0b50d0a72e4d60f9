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

// The trainers that are not GanTrainer share its scoring options (metrics/scoring.h).
TEST(GanEvalMetrics, CganLogsTheGeometryScore) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  train::TrainConfig c = gan_scoring(dir.file("cgan"), "gs", "");
  c.model = "cgan";
  c.options["eval_gs_repeats"] = 2;
  c.options["eval_gs_n"] = 130;
  run(c);
  const auto v = logged_at(dir.file("cgan/metrics.jsonl"), 2);
  ASSERT_TRUE(v.count("gs"));
  EXPECT_GE(v.at("gs"), 0.0);
  EXPECT_LE(v.at("gs"), 2.0);
}

TEST(GanEvalMetrics, SizesAreOptionsSharedByEveryGanTrainer) {
  train::TrainConfig c = gan_scoring("", "gs,birthday,mre", "");
  c.options["eval_gs_n"] = 300;
  c.options["eval_gs_repeats"] = 7;
  c.options["eval_birthday_batches"] = 3;
  c.options["eval_mre_images"] = 5;
  c.options["eval_mre_steps"] = 11;
  const metrics::EvalOptions o = dynamic_cast<GanTrainer&>(*find_model("gan").make(c)).fid_options();
  EXPECT_EQ(o.gs_n, 300);
  EXPECT_EQ(o.gs.repeats, 7);
  EXPECT_EQ(o.birthday.batches, 3);
  EXPECT_EQ(o.mre_images, 5);
  EXPECT_EQ(o.mre.steps, 11);
  c.options.erase("eval_gs_n");
  EXPECT_EQ(dynamic_cast<GanTrainer&>(*find_model("gan").make(c)).fid_options().gs_n, 150);  // fid_samples
  auto make = [](const std::string& model, train::TrainConfig c) {
    c.model = model;
    return find_model(model).make(c);
  };
  EXPECT_THROW_MESSAGE(make("cgan", gan_scoring("", "mre", "")), std::invalid_argument, "cgan", "mre needs a generator");
  EXPECT_THROW_MESSAGE(make("aegan", gan_scoring("", "nosuch", "")), std::invalid_argument, "aegan", "nosuch");
  EXPECT_NO_THROW(make("aegan", gan_scoring("", "mre", "")));  // a LatentModel: G(z) alone
  train::TrainConfig toy = gan_scoring("", "gs", "");
  EXPECT_THROW_MESSAGE(make("bgan", toy), std::invalid_argument, "bgan", "eval_metrics needs data=fashion");
  toy.options["eval_gs_repeats"] = 0;
  EXPECT_THROW_MESSAGE(make("m-bgan", toy), std::invalid_argument, "eval_gs_repeats must be >= 1");
  toy.options["data"] = "fashion";
  toy.options["eval_gs_repeats"] = 2;
  EXPECT_NO_THROW(make("bgan", toy));
  train::TrainConfig cyc = train::testing::small_config("cyclegan", "", 1);
  cyc.options["eval_metrics"] = "gs";  // its samples are translations: not scored against the test split
  EXPECT_THROW_MESSAGE(make("cyclegan", cyc), std::invalid_argument, "cyclegan", "unknown option \"eval_metrics\"");
}

}  // namespace
}  // namespace nabla::gan
