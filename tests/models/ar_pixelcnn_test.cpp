// PixelCNN: the whole net is causal, its likelihood is normalised (the
// probabilities of every image of a tiny size sum to one), completion keeps
// the given rows, and it learns on Fashion-MNIST.
#include <cmath>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/ar/pixelcnn.h"
#include "models/ar/pixel_trainer.h"
#include "tests/models/ar_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::ar {
namespace {

PixelCnnOptions tiny(int64_t levels) {
  PixelCnnOptions o;
  o.levels = levels;
  o.width = 4;
  o.blocks = 1;
  o.out_hidden = 4;
  return o;
}

// A leak of a pixel's own value (or a later one) into its conditional breaks
// normalisation: sum_x p(x) = 1 only for a causal net.
TEST(PixelCnn, ProbabilitiesOfAllImagesSumToOne) {
  Generator gen(5);
  PixelCnn binary(tiny(2), &gen);
  EXPECT_NEAR(testing::total_probability(binary, 3, 3), 1.0, 1e-4);
  PixelCnn softmax(tiny(256), &gen);
  EXPECT_NEAR(testing::total_probability(softmax, 1, 2), 1.0, 1e-4);
}

TEST(PixelCnn, OutputAtAPixelIgnoresThatPixelAndLaterOnes) {
  Generator gen(6);
  PixelCnn net(tiny(2), &gen);
  testing::expect_causal(net, 5, gen);
}

TEST(PixelCnn, CompletionKeepsTheGivenRowsAndDrawsValidPixels) {
  Generator gen(7);
  PixelCnn net(tiny(256), &gen);
  const Tensor x = to(randint(0, 256, {3, 1, 4, 5}, DType::i64, &gen), DType::f32);
  const Tensor y = net.complete(x, 2, gen);
  EXPECT_TRUE(nabla::testing::allclose(slice(y, 2, 0, 2), slice(x, 2, 0, 2), 0, 0));
  EXPECT_FALSE(nabla::testing::allclose(slice(y, 2, 2, 4), slice(x, 2, 2, 4), 0, 0));
  for (float v : to_vector<float>(y)) {
    EXPECT_GE(v, 0.0f);
    EXPECT_LE(v, 255.0f);
    EXPECT_EQ(v, std::floor(v));
  }
  EXPECT_THROW(PixelCnn(PixelCnnOptions{3, 4, 1, 4}), std::invalid_argument);
}

// A small net on a short run: the exact held-out NLL falls far below its
// value at initialisation (about 784 ln 2 = 543 nats: coin flips).
TEST(PixelCnnLearns, HeldOutNllFallsWellBelowItsInitialValue) {
  SKIP_WITHOUT_FASHION_MNIST();
  train::TrainConfig c = train::testing::small_config("pixelcnn", "", 80);
  c.batch = 32;
  c.lr = 5e-3;
  c.options = {{"width", 8}, {"blocks", 1}, {"out_hidden", 8}};
  PixelTrainer trainer(c, PixelNet::pixelcnn);
  const double before = trainer.test_nll_nats(200);
  for (int i = 0; i < 80; ++i) trainer.step();
  const double after = trainer.test_nll_nats(200);
  EXPECT_GT(before, 450) << before;
  EXPECT_LT(after, before - 200) << before << " -> " << after;
}

}  // namespace
}  // namespace nabla::ar
