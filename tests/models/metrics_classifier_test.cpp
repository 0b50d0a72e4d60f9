// The Fashion-MNIST classifier behind FID and IS: it learns, it is
// deterministic from its seed, it resumes bit for bit (test accuracy logged
// alike), and a checkpoint loads back as a feature network.
#include "models/metrics/classifier.h"

#include <gtest/gtest.h>

#include <sstream>

#include "autograd/nabla.h"
#include "models/io/metrics_log.h"
#include "models/registry.h"
#include "models/train/checkpoint.h"
#include "tests/models/data_testing.h"
#include "tests/models/sanitizer_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

using data::testing::TempDir;

train::TrainConfig config(const std::string& out, int64_t steps, int64_t batch) {
  train::TrainConfig c = train::testing::small_config("classifier", out, steps);
  c.batch = batch;
  c.lr = 1e-3;
  c.options["eval_n"] = 64;
  return c;
}

train::RunResult run(const train::TrainConfig& c) {
  std::ostringstream out;
  return train_model(c, out);
}

TEST(Classifier, LearnsFashionMnist) {
  SKIP_WITHOUT_FASHION_MNIST();
  const int64_t steps = testing::sanitizer_steps(300);  // under the sanitizer: 75 steps, past 0.5
  ClassifierTrainer trainer(config("", steps, 64));
  const data::Dataset test = data::load_fashion_mnist(data::Split::test);
  const FeatureNet net(trainer.net());
  const double before = net.accuracy(test, 1000);
  for (int64_t i = 0; i < steps; ++i) trainer.step();
  const double after = net.accuracy(test, 1000);
  EXPECT_LT(before, 0.3);
  EXPECT_GT(after, testing::sanitizer_bar(0.8, 0.5)) << "accuracy on 1000 test images, before training " << before;
}

TEST(Classifier, FeaturesAreBatchedSoftmaxAndPenultimate) {
  Generator gen(4);
  const FeatureNet net(classifier_net(&gen));
  const Tensor images = rand({9, 1, 28, 28}, DType::f32, &gen) * 2.0 - 1.0;
  const Features all = net(images), pieces = net(images, 4);
  ASSERT_EQ(all.features.shape(), (Shape{9, kClassifierFeatures}));
  ASSERT_EQ(all.probs.shape(), (Shape{9, kClassifierClasses}));
  EXPECT_TRUE(testing::allclose(all.features, pieces.features, 1e-5, 1e-6));
  EXPECT_TRUE(testing::allclose(all.probs, pieces.probs, 1e-5, 1e-6));
  EXPECT_TRUE(testing::allclose(sum(all.probs, {1}), ones({9}), 1e-5, 1e-5));
  EXPECT_GE(min(all.features).item(), 0.0);  // after the ReLU
  EXPECT_FALSE(all.features.requires_grad());
  EXPECT_THROW_MESSAGE(net(zeros({2, 3, 28, 28})), std::invalid_argument, "features", "[N, 1, 28, 28]");
}

TEST(Classifier, DeterministicFromItsSeed) {
  SKIP_WITHOUT_FASHION_MNIST();
  ClassifierTrainer a(config("", 2, 16)), b(config("", 2, 16));
  for (int i = 0; i < 2; ++i) EXPECT_EQ(a.step(), b.step());
  const NamedTensors pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(testing::bitwise_equal(pa[i].second, pb[i].second)) << pa[i].first;
  // The picture: 2 rows of 8 labelled 70-pixel cells, the same for the same stream.
  Generator g1(5), g2(5);
  const Tensor picture = a.picture(16, g1);
  EXPECT_EQ(picture.shape(), (Shape{140, 560, 3}));
  EXPECT_EQ(picture.dtype(), DType::u8);
  EXPECT_TRUE(testing::bitwise_equal(picture, b.picture(16, g2)));
}

TEST(Classifier, ResumesBitwiseAndLoadsAsAFeatureNet) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir straight_dir, resumed_dir;
  const train::RunResult straight = run(config(straight_dir.str(), 3, 16));
  run(config(resumed_dir.str(), 1, 16));
  train::TrainConfig rest;
  rest.resume = resumed_dir.file("checkpoints/step-00000001.safetensors");
  rest.steps = 3;
  rest.progress = false;
  const train::RunResult resumed = run(rest);
  EXPECT_EQ(straight.losses, resumed.losses);
  ASSERT_TRUE(straight.scores.count("test_accuracy"));
  EXPECT_EQ(straight.scores, resumed.scores);
  const io::Metrics m = io::read_metrics(resumed_dir.file("metrics.jsonl"));
  ASSERT_EQ(m.records.size(), 3u);
  EXPECT_TRUE(m.records.back().values.count("test_accuracy"));

  const FeatureNet a = FeatureNet::load(straight.checkpoint), b = FeatureNet::load(resumed.checkpoint);
  const data::Dataset test = data::load_fashion_mnist(data::Split::test);
  const Tensor images = to(slice(test.images, 0, 0, 64), DType::f32) / 127.5 - 1.0;
  EXPECT_TRUE(testing::bitwise_equal(a(images).features, b(images).features));
  EXPECT_EQ(a.accuracy(test, 64), straight.scores.at("test_accuracy"));
}

TEST(Classifier, LoadRefusesAnotherModelsCheckpoint) {
  TempDir dir;
  train::TrainConfig c = train::testing::small_config("dirac-gan", dir.str(), 1);
  c.batch = 1;
  const train::RunResult r = run(c);
  EXPECT_THROW_MESSAGE(FeatureNet::load(r.checkpoint), std::runtime_error, "dirac-gan", "classifier");
}

}  // namespace
}  // namespace nabla::metrics
