// metrics::evaluate: the scores `nabla eval` prints, on the classifier's own
// "samples" (test images drawn at random), which must look like the data.
#include "models/metrics/evaluate.h"

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/metrics/fid.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

TEST(Evaluate, ScoresTestImagesAsData) {
  SKIP_WITHOUT_FASHION_MNIST();
  train::TrainConfig c = train::testing::small_config("classifier", "", 1);
  c.options["eval_n"] = 16;
  ClassifierTrainer trainer(c);
  for (int i = 0; i < 20; ++i) trainer.step();
  const FeatureNet net(trainer.net());
  EvalOptions o;
  o.n = 300;
  o.batch = 128;
  o.metrics = {"fid", "is", "pr"};
  const auto scores = evaluate(trainer, net, o);
  ASSERT_EQ(scores.size(), 5u);
  EXPECT_GE(scores.at("fid"), 0.0);
  EXPECT_GT(scores.at("is"), 1.0);
  EXPECT_LE(scores.at("is"), 10.0);
  EXPECT_GT(scores.at("is_std"), 0.0);
  // Samples from the data's own distribution: most are realistic and most of the data is covered.
  EXPECT_GT(scores.at("precision"), 0.5);
  EXPECT_LE(scores.at("precision"), 1.0);
  EXPECT_GT(scores.at("recall"), 0.5);
  EXPECT_LE(scores.at("recall"), 1.0);
  // Shifted images are further from the data than the data's own.
  Generator gen(0);
  const Features real = sample_features(trainer, net, 300, gen, 128);
  EXPECT_EQ(real.features.size(0), 300);
  const Features dark = net(clamp(trainer.sample(300, gen) - 0.8, -1.0, 1.0));
  EXPECT_LT(fid(real.features, sample_features(trainer, net, 300, gen).features),
            fid(real.features, dark.features));
  // Darkened images cover less of the data manifold.
  EXPECT_LT(precision_recall(real.features, dark.features).recall,
            precision_recall(real.features, sample_features(trainer, net, 300, gen).features).recall);
  o.metrics = {"is"};
  EXPECT_EQ(evaluate(trainer, net, o).count("fid"), 0u);
  o.metrics = {"fid", "nosuch"};
  EXPECT_THROW_MESSAGE(evaluate(trainer, net, o), std::invalid_argument, "unknown metric \"nosuch\"", "fid, is, gs, birthday, mre");
}

}  // namespace
}  // namespace nabla::metrics
