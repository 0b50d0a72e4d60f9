// CycleGAN between two Fashion-MNIST classes: its nets, its options, and a
// learning test (cycle reconstruction and translation on held-out images).
#include <chrono>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/gan/cyclegan.h"
#include "models/gan/cyclegan_nets.h"
#include "models/registry.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::gan {
namespace {

TEST(CycleGan, NetsKeepTheImageShapeAndScorePatches) {
  Generator gen(3);
  const Tensor x = randn({2, 1, 28, 28}, {}, &gen);
  const Tensor y = (*cyclegan_generator(&gen))(x);
  EXPECT_EQ(y.shape(), (Shape{2, 1, 28, 28}));
  EXPECT_LE(max(abs(y)).item(), 1.0);  // tanh
  EXPECT_EQ((*cyclegan_discriminator(&gen))(x).shape(), (Shape{2, 1, 7, 7}));
}

TEST(CycleGan, InstanceNormNormalisesEachPlane) {
  Generator gen(4);
  const Tensor x = 3.0 * randn({2, 3, 5, 5}, {}, &gen) + 2.0;
  const Tensor y = InstanceNorm2d()(x);
  EXPECT_TRUE(nabla::testing::allclose(mean(y, {2, 3}), zeros({2, 3}), 0, 1e-5));
  EXPECT_TRUE(nabla::testing::allclose(var(y, {2, 3}, false, 0), ones({2, 3}), 0, 1e-3));
}

TEST(CycleGan, OptionsAreChecked) {
  train::TrainConfig c = train::testing::small_config("cyclegan", "", 10);
  c.options["b"] = 7;
  EXPECT_THROW_MESSAGE(find_model("cyclegan").make(c), std::invalid_argument, "cyclegan", "different classes");
  c.options = {{"a", 12}};
  EXPECT_THROW_MESSAGE(find_model("cyclegan").make(c), std::invalid_argument, "cyclegan", "0..9");
  c.options = {{"cycle", -1}};
  EXPECT_THROW_MESSAGE(find_model("cyclegan").make(c), std::invalid_argument, "cycle must be >= 0");
  c.options = {{"lambda", 1}};
  EXPECT_THROW_MESSAGE(find_model("cyclegan").make(c), std::invalid_argument, "lambda");
  c.options = {{"a", 0}, {"b", 1}, {"identity", 5.0}};
  const auto t = find_model("cyclegan").make(c);
  EXPECT_EQ(dynamic_cast<CycleGanTrainer&>(*t).options().b, 1);
}

// Sneakers <-> ankle boots at 5x the paper's lr, batch 8: after a few dozen
// steps the held-out cycle reconstruction error has fallen far below its
// start, and a nearest-class-mean classifier calls most translations by the
// target class while it calls few inputs so.
TEST(CycleGan, LearnsToTranslateAndReconstruct) {
  SKIP_WITHOUT_FASHION_MNIST();
  const auto start = std::chrono::steady_clock::now();
  train::TrainConfig c = train::testing::small_config("cyclegan", "", 60);
  c.batch = 8;
  c.lr = 1e-3;
  std::unique_ptr<train::Trainer> t = find_model("cyclegan").make(c);
  auto& cg = dynamic_cast<CycleGanTrainer&>(*t);
  const CycleEval before = cg.evaluate(100);
  for (int64_t i = 0; i < c.steps; ++i) t->step();
  const CycleEval after = cg.evaluate(100);
  EXPECT_LT(after.cycle_l1_a, 0.5 * before.cycle_l1_a);
  EXPECT_LT(after.cycle_l1_b, 0.5 * before.cycle_l1_b);
  EXPECT_LT(after.a_as_b, 0.2);  // the inputs are told apart
  EXPECT_LT(after.b_as_a, 0.2);
  EXPECT_GT(after.translated_a_as_b, after.a_as_b + 0.25);
  EXPECT_GT(after.translated_b_as_a, after.b_as_a + 0.25);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "cyclegan: cycle L1 " << before.cycle_l1_a << ", " << before.cycle_l1_b << " -> " << after.cycle_l1_a
            << ", " << after.cycle_l1_b << "; called the target class: inputs " << after.a_as_b << ", "
            << after.b_as_a << ", translations " << before.translated_a_as_b << ", " << before.translated_b_as_a
            << " -> " << after.translated_a_as_b << ", " << after.translated_b_as_a << " (" << seconds << " s)\n";
}

}  // namespace
}  // namespace nabla::gan
