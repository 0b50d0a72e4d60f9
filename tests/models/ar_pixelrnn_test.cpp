// PixelRNN (Row LSTM): the whole net is causal, its likelihood is normalised
// (the probabilities of every image of a tiny size sum to one), the
// recurrence carries rows further down than any conv reaches, completion's
// row crops give the full map's logits, and it learns on Fashion-MNIST.
#include <cmath>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/ar/pixel_trainer.h"
#include "models/ar/pixelrnn.h"
#include "tests/models/ar_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::ar {
namespace {

PixelRnnOptions tiny(int64_t levels, int64_t layers = 2) {
  PixelRnnOptions o;
  o.levels = levels;
  o.hidden = 2;
  o.layers = layers;
  o.out_hidden = 4;
  return o;
}

TEST(PixelRnn, ProbabilitiesOfAllImagesSumToOne) {
  Generator gen(15);
  PixelRnn binary(tiny(2), &gen);
  EXPECT_NEAR(testing::total_probability(binary, 3, 3), 1.0, 1e-4);
  PixelRnn softmax(tiny(256, 1), &gen);
  EXPECT_NEAR(testing::total_probability(softmax, 1, 2), 1.0, 1e-4);
}

TEST(PixelRnn, OutputAtAPixelIgnoresThatPixelAndLaterOnes) {
  Generator gen(16);
  PixelRnn net(tiny(2), &gen);
  testing::expect_causal(net, 5, gen);
}

// The 7x7 type-A conv sees 3 rows up; only the LSTM state reaches row 0
// from row 6.
TEST(PixelRnn, TheRecurrenceCarriesTheTopRowToTheBottom) {
  Generator gen(17);
  PixelRnn net(tiny(2, 1), &gen);
  Tensor x = bernoulli({1, 1, 7, 3}, 0.5, DType::f32, &gen);
  x.requires_grad_();
  backward(sum(slice(slice(net.forward(x), 2, 6, 7), 3, 0, 1)));
  const std::vector<float> g = to_vector<float>(x.grad());
  EXPECT_NE(g[0] + g[1] + g[2], 0.0f);
}

// complete() runs the net on the rows up to the current one.
TEST(PixelRnn, CroppedRowsGiveTheFullMapsLogitsAndCompletionKeepsTheGivenRows) {
  Generator gen(18);
  PixelRnn net(tiny(256), &gen);
  const Tensor x = to(randint(0, 256, {2, 1, 5, 4}, DType::i64, &gen), DType::f32);
  NoGradGuard no_grad;
  EXPECT_TRUE(nabla::testing::allclose(net.forward(slice(x, 2, 0, 3)), slice(net.forward(x), 2, 0, 3), 1e-5, 1e-5));
  const Tensor y = net.complete(x, 3, gen);
  EXPECT_TRUE(nabla::testing::allclose(slice(y, 2, 0, 3), slice(x, 2, 0, 3), 0, 0));
  EXPECT_FALSE(nabla::testing::allclose(slice(y, 2, 3, 5), slice(x, 2, 3, 5), 0, 0));
  EXPECT_THROW(PixelRnn(PixelRnnOptions{3, 2, 1, 3, 4}), std::invalid_argument);
  EXPECT_THROW(PixelRnn(PixelRnnOptions{2, 2, 1, 2, 4}), std::invalid_argument);
}

// A small net on a short run: the exact held-out NLL falls far below its
// value at initialisation (about 784 ln 2 = 543 nats: coin flips).
TEST(PixelRnnLearns, HeldOutNllFallsWellBelowItsInitialValue) {
  SKIP_WITHOUT_FASHION_MNIST();
  train::TrainConfig c = train::testing::small_config("pixelrnn", "", 60);
  c.batch = 32;
  c.lr = 5e-3;
  c.options = {{"hidden", 4}, {"layers", 1}, {"out_hidden", 8}};
  PixelTrainer trainer(c, PixelNet::pixelrnn);
  const double before = trainer.test_nll_nats(200);
  for (int i = 0; i < 60; ++i) trainer.step();
  const double after = trainer.test_nll_nats(200);
  EXPECT_GT(before, 450) << before;
  EXPECT_LT(after, before - 200) << before << " -> " << after;
}

}  // namespace
}  // namespace nabla::ar
