// The VAEs learn on Fashion-MNIST: the test-split ELBO climbs far above its
// value at initialisation within a few hundred small steps, and a CVAE's
// samples follow the class they are conditioned on.
#include <cstdio>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/data/mnist.h"
#include "models/registry.h"
#include "models/vae/vae_trainer.h"
#include "tests/models/train_testing.h"

namespace nabla {
namespace {

train::TrainConfig small_vae(const std::string& model, int64_t steps, int64_t z_dim = 8) {
  train::TrainConfig c = train::testing::small_config(model, "", steps);
  c.batch = 32;
  c.lr = 2e-3;
  c.options = {{"hidden", 64}, {"z_dim", z_dim}, {"eval_n", 500}, {"iwae_k", 0}};
  return c;
}

TEST(VaeLearns, HeldOutElboRisesWellAboveItsInitialValue) {
  SKIP_WITHOUT_FASHION_MNIST();
  vae::VaeTrainer trainer(small_vae("vae", 300), vae::VaeKind::mlp);
  const std::map<std::string, double> before = trainer.scores();
  for (int i = 0; i < 300; ++i) trainer.step();
  const std::map<std::string, double> after = trainer.scores();
  // At initialisation every pixel is a coin flip: about -784 ln 2 = -543 nats.
  EXPECT_LT(before.at("test_elbo"), -450);
  EXPECT_GT(after.at("test_elbo"), before.at("test_elbo") + 150);
  EXPECT_NEAR(after.at("test_elbo"), -(after.at("test_rate") + after.at("test_distortion")), 1e-6);
  EXPECT_GT(after.at("test_rate"), 1);  // the latent is used
}

// Decodes the prior's mean latent under each class; the class whose test
// images' mean is nearest must be the one conditioned on for most classes.
TEST(VaeLearns, CvaeSamplesFollowTheirClass) {
  SKIP_WITHOUT_FASHION_MNIST();
  // A 2-D latent cannot carry the class as well as the label does: the
  // decoder has to use the label.
  vae::VaeTrainer trainer(small_vae("cvae", 300, 2), vae::VaeKind::conditional);
  for (int i = 0; i < 300; ++i) trainer.step();
  NoGradGuard no_grad;
  const data::Dataset test = data::load_fashion_mnist(data::Split::test);
  const Tensor x = vae::vae_data(to(slice(test.images, 0, 0, 5000), DType::f32) / 127.5 - 1.0,
                                 vae::Decoder::bernoulli);
  const Tensor labels = slice(test.labels, 0, 0, 5000);
  std::vector<Tensor> class_means;
  for (int64_t c = 0; c < vae::kClasses; ++c) {
    const Tensor w = to(eq(labels, full_like(labels, static_cast<double>(c))), DType::f32);
    class_means.push_back(sum(x * unsqueeze(w, 1), {0}) / sum(w));
  }
  // Class means and decodings, each minus its average over the classes:
  // what tells a class from the others.
  const Tensor data_means = stack(class_means, 0);  // [10, 784]
  const Tensor means = data_means - mean(data_means, {0}, true);
  const int64_t per_class = 64;
  Generator gen(4);
  const Tensor z = randn({per_class, 2}, DType::f32, &gen);
  std::vector<Tensor> decoded;
  for (int64_t c = 0; c < vae::kClasses; ++c) {
    const Tensor y = full({per_class}, static_cast<double>(c), DType::i64);
    decoded.push_back(mean(trainer.model().mean_image(trainer.model().decode(z, y)), {0}));  // [784]
  }
  const Tensor images = stack(decoded, 0);
  const Tensor centred = images - mean(images, {0}, true);
  int right = 0;
  double spread = 0;
  for (int64_t c = 0; c < vae::kClasses; ++c) {
    const Tensor distance = sum(square(means - slice(centred, 0, c, c + 1)), {1});
    right += argmin(distance).item() == static_cast<double>(c);
  }
  for (int64_t c = 1; c < vae::kClasses; ++c) spread += mean(abs(decoded[c] - decoded[0])).item();
  std::printf("cvae: %d of 10 classes right, spread %.3f\n", right, spread / 9);
  EXPECT_GE(right, 5);  // chance: 1 (P(>= 5) = 0.002)
  EXPECT_GT(spread / 9, 0.05);  // the same latents give different images per class
}

}  // namespace
}  // namespace nabla
