// MRE: images a generator made from known z are reconstructed almost
// exactly; noise images, which it cannot make, are not.
#include "models/metrics/reconstruction.h"

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/nn/nn.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

// A small random generator: z [B, 3] -> images [B, 1, 4, 4] in (-1, 1).
nn::ModulePtr tiny_generator(Generator& init) {
  return std::make_shared<nn::Sequential>(std::vector<nn::ModulePtr>{
      std::make_shared<nn::Linear>(3, 32, true, Options{}, &init), std::make_shared<nn::Tanh>(),
      std::make_shared<nn::Linear>(32, 16, true, Options{}, &init), std::make_shared<nn::Tanh>()});
}

TEST(Reconstruction, OwnSamplesNearZeroNoiseFar) {
  Generator init(2), gen(3);
  nn::ModulePtr g = tiny_generator(init);
  auto G = [&](const Tensor& z) { return reshape((*g)(z), {z.size(0), 1, 4, 4}); };
  Tensor own;
  {
    NoGradGuard no_grad;
    own = G(randn({12, 3}, DType::f32, &gen));
  }
  const Tensor noise = uniform({12, 1, 4, 4}, -1, 1, DType::f32, &gen);
  const MreOptions o{.starts = 3, .steps = 300, .lr = 0.05, .seed = 1};
  const MreResult mine = mean_reconstruction_error(G, 3, own, o);
  const MreResult other = mean_reconstruction_error(G, 3, noise, o);
  ASSERT_EQ(mine.errors.size(), 12u);
  EXPECT_EQ(mine.best_z.shape(), (Shape{12, 3}));
  EXPECT_LT(mine.mre, 0.02);
  EXPECT_GT(other.mre, 0.3);
  // The reported error is the one its best z reaches.
  NoGradGuard no_grad;
  const Tensor err = sqrt(mean(square(reshape(G(mine.best_z) - own, {12, 16})), {1}));
  EXPECT_TRUE(testing::allclose(err, tensor(mine.errors, {12}), 1e-4, 1e-5));
  // G's parameters are left alone.
  for (const Tensor& p : g->parameters()) EXPECT_FALSE(p.grad().defined());
  EXPECT_THROW_MESSAGE(mean_reconstruction_error(G, 3, own, {.starts = 0}), std::invalid_argument, "mre");
}

}  // namespace
}  // namespace nabla::metrics
