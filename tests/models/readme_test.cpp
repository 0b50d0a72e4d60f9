// The README's training-library example, compiled and checked: a linear
// classifier on Fashion-MNIST whose loss falls well below chance (ln 10).
#include <cmath>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/data/loader.h"
#include "models/data/mnist.h"
#include "models/nn/nn.h"
#include "tests/models/train_testing.h"

namespace nabla {
namespace {

TEST(ReadmeTraining, LinearClassifierLearns) {
  SKIP_WITHOUT_FASHION_MNIST();
  Generator init(3);
  auto net = std::make_shared<nn::Sequential>(std::vector<nn::ModulePtr>{
      std::make_shared<nn::Flatten>(), std::make_shared<nn::Linear>(784, 10, true, Options{}, &init)});
  nn::Adam opt(net->parameters(), 1e-3);
  data::Loader loader(data::load_fashion_mnist(data::Split::train), {.batch_size = 64, .seed = 1});
  double first = 0, last = 0;
  for (int step = 0; step < 100; ++step) {
    data::Batch b = loader.next();
    opt.zero_grad();
    Tensor loss = cross_entropy((*net)(b.images), b.labels);
    backward(loss);
    opt.step();
    if (step < 5) first += loss.item() / 5;
    if (step >= 95) last += loss.item() / 5;
  }
  EXPECT_NEAR(first, std::log(10.0), 0.7);
  EXPECT_LT(last, 1.0);
}

}  // namespace
}  // namespace nabla
