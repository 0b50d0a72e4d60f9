// metrics::evaluate's pixel-space metrics (gs, birthday, mre) on an
// untrained MLP GAN, with tiny settings: every score is there and sane, the
// outputs are written, and the refusals name what is missing.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "autograd/nabla.h"
#include "models/metrics/evaluate.h"
#include "models/registry.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

EvalOptions tiny() {
  EvalOptions o;
  o.metrics = {"gs", "birthday", "mre"};
  o.n = 200;
  o.gs_n = 150;
  o.gs = {.landmarks = 16, .gamma = 1.0 / 8, .i_max = 10, .repeats = 2};
  o.gs_plot = ::testing::TempDir() + "/eval_mrlt.png";
  o.birthday.batch_sizes = {10, 20};
  o.birthday.batches = 2;
  o.birthday.pairs = 4;
  o.birthday_pairs = ::testing::TempDir() + "/eval_pairs.png";
  o.mre_images = 4;
  o.mre = {.starts = 2, .steps = 5};
  return o;
}

TEST(EvaluatePixel, GeometryBirthdayAndReconstruction) {
  SKIP_WITHOUT_FASHION_MNIST();
  const train::TrainConfig c = train::testing::small_config("mlpgan", "", 1);
  std::unique_ptr<train::Trainer> gan = find_model("mlpgan").make(c);
  const auto s = evaluate(*gan, nullptr, tiny());
  for (const char* key : {"gs", "birthday_threshold", "birthday_support", "birthday_rate_s10", "birthday_rate_s20", "mre"})
    EXPECT_EQ(s.count(key), 1u) << key;
  EXPECT_GE(s.at("gs"), 0.0);
  EXPECT_LE(s.at("gs"), 2.0);
  EXPECT_GT(s.at("birthday_threshold"), 0.0);
  EXPECT_GT(s.at("mre"), 0.0);
  EXPECT_LT(s.at("mre"), 2.0);
  EXPECT_GT(std::filesystem::file_size(tiny().gs_plot), 1000u);
  EXPECT_GT(std::filesystem::file_size(tiny().birthday_pairs), 100u);
}

TEST(EvaluatePixel, RefusesWhatItCannotScore) {
  SKIP_WITHOUT_FASHION_MNIST();
  train::TrainConfig c = train::testing::small_config("classifier", "", 1);
  c.options["eval_n"] = 16;
  std::unique_ptr<train::Trainer> clf = find_model("classifier").make(c);
  EvalOptions o = tiny();
  o.metrics = {"mre"};
  EXPECT_THROW_MESSAGE(evaluate(*clf, nullptr, o), std::invalid_argument, "mre needs a GAN's generator");
  o.metrics = {"fid"};
  EXPECT_THROW_MESSAGE(evaluate(*clf, nullptr, o), std::invalid_argument, "fid needs a feature network");
}

}  // namespace
}  // namespace nabla::metrics
