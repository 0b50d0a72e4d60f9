// PixelRNN (Row LSTM): the whole net is causal, its likelihood is normalised
// (the probabilities of every image of a tiny size sum to one), the
// Row LSTM reads exactly the triangle above each pixel, completion's
// row crops give the full map's logits, and it learns on Fashion-MNIST.
#include <cmath>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/ar/pixel_trainer.h"
#include "models/ar/pixelrnn.h"
#include "models/ar/row_lstm.h"
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

// The Row LSTM's triangular receptive field (sec. 3.1): h at (i, j) reads
// its own row at j-1, j (the masked k = 3 input-to-state conv) and, through
// the state, row i - d at j-d-1 .. j+d: a triangle widening by one column
// per row up. Exactly zero gradient outside it, nonzero inside.
TEST(PixelRnn, RowLstmSeesTheTriangleAboveItsPixel) {
  Generator gen(17);
  RowLstm lstm(1, 2, 3, &gen);
  lstm.to(DType::f64);
  const int64_t height = 5, width = 9, i = 4, j = 4;
  Tensor x = randn({1, 1, height, width}, DType::f64, &gen);
  x.requires_grad_();
  backward(sum(slice(slice(lstm(x), 2, i, i + 1), 3, j, j + 1)));
  const std::vector<double> g = to_vector<double>(x.grad());
  for (int64_t r = 0; r < height; ++r)
    for (int64_t c = 0; c < width; ++c) {
      const int64_t d = i - r;
      const bool inside = d >= 0 && c >= j - d - 1 && c <= j + d;
      EXPECT_EQ(g[static_cast<size_t>(r * width + c)] != 0.0, inside) << "(" << r << ", " << c << ")";
    }
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
