// PixelCNN: the whole net is causal, its likelihood is normalised (the
// probabilities of every image of a tiny size sum to one), completion keeps
// the given rows, and it learns on Fashion-MNIST.
#include <cmath>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/ar/pixelcnn.h"
#include "models/ar/pixelcnn_trainer.h"
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

// Every image of side h x w with values in {0, .., levels-1}: [levels^(hw), 1, h, w].
Tensor all_images(int64_t levels, int64_t h, int64_t w) {
  const int64_t d = h * w;
  int64_t count = 1;
  for (int64_t i = 0; i < d; ++i) count *= levels;
  std::vector<float> v(static_cast<size_t>(count * d));
  for (int64_t k = 0; k < count; ++k)
    for (int64_t i = 0, r = k; i < d; ++i, r /= levels) v[static_cast<size_t>(k * d + i)] = static_cast<float>(r % levels);
  return tensor(v, {count, 1, h, w});
}

// A leak of a pixel's own value (or a later one) into its conditional breaks
// normalisation: sum_x p(x) = 1 only for a causal net.
TEST(PixelCnn, ProbabilitiesOfAllImagesSumToOne) {
  Generator gen(5);
  PixelCnn binary(tiny(2), &gen);
  NoGradGuard no_grad;
  const Tensor p2 = exp(-to(binary.nll(all_images(2, 3, 3)), DType::f64));
  EXPECT_NEAR(sum(p2).item(), 1.0, 1e-4);
  PixelCnn softmax(tiny(256), &gen);
  const Tensor p256 = exp(-to(softmax.nll(all_images(256, 1, 2)), DType::f64));
  EXPECT_NEAR(sum(p256).item(), 1.0, 1e-4);
}

TEST(PixelCnn, OutputAtAPixelIgnoresThatPixelAndLaterOnes) {
  Generator gen(6);
  PixelCnn net(tiny(2), &gen);
  const int64_t side = 5;
  for (int64_t here = 0; here < side * side; ++here) {
    Tensor x = bernoulli({1, 1, side, side}, 0.5, DType::f32, &gen);
    x.requires_grad_();
    const Tensor y = net.forward(x);
    backward(sum(slice(slice(y, 2, here / side, here / side + 1), 3, here % side, here % side + 1)));
    const std::vector<float> g = to_vector<float>(x.grad());
    for (int64_t p = here; p < side * side; ++p) EXPECT_EQ(g[static_cast<size_t>(p)], 0.0f) << here << " <- " << p;
    if (here > 0) {
      double earlier = 0;
      for (int64_t p = 0; p < here; ++p) earlier += std::abs(g[static_cast<size_t>(p)]);
      EXPECT_GT(earlier, 0.0) << here;
    }
  }
}

TEST(PixelCnn, CompletionKeepsTheGivenRowsAndDrawsValidPixels) {
  Generator gen(7);
  PixelCnn net(tiny(256), &gen);
  const Tensor x = to(randint(0, 256, {3, 1, 4, 5}, DType::i64, &gen), DType::f32);
  const Tensor y = net.complete(x, 2, gen);
  EXPECT_TRUE(testing::allclose(slice(y, 2, 0, 2), slice(x, 2, 0, 2), 0, 0));
  EXPECT_FALSE(testing::allclose(slice(y, 2, 2, 4), slice(x, 2, 2, 4), 0, 0));
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
  PixelCnnTrainer trainer(c);
  const double before = trainer.test_nll_nats(200);
  for (int i = 0; i < 80; ++i) trainer.step();
  const double after = trainer.test_nll_nats(200);
  EXPECT_GT(before, 450) << before;
  EXPECT_LT(after, before - 200) << before << " -> " << after;
}

}  // namespace
}  // namespace nabla::ar
