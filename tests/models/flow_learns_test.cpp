// The flows learn: after a short run on Fashion-MNIST the bits/dim of held-out
// test images (dequantised) fall well below their value at initialisation and
// below the 8 bits/dim of a uniform model. NICE (no data-dependent init, no
// logit transform) learns its diagonal scaling slowly at lr 1e-3, so its test
// runs at 1e-2.
#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/flow/flow_trainer.h"
#include "models/registry.h"
#include "tests/models/train_testing.h"

namespace nabla {
namespace {

struct Learned {
  double before, after;
};

Learned learn(const std::string& model, int64_t steps, double lr, const nlohmann::json& options) {
  train::TrainConfig c = train::testing::small_config(model, "", steps);
  c.batch = 32;
  c.lr = lr;
  c.options = options;
  flow::FlowTrainer trainer(c, model == "nice" ? flow::FlowKind::nice : flow::FlowKind::realnvp);
  const double before = trainer.test_bits_per_dim(200);
  for (int64_t i = 0; i < steps; ++i) trainer.step();
  return {before, trainer.test_bits_per_dim(200)};
}

TEST(FlowLearns, NiceBitsPerDimFall) {
  SKIP_WITHOUT_FASHION_MNIST();
  const Learned r = learn("nice", 300, 1e-2, {{"hidden", 64}, {"hidden_layers", 2}});
  EXPECT_LT(r.after, r.before - 2.0) << r.before << " -> " << r.after;
  EXPECT_LT(r.after, 7.5) << r.before << " -> " << r.after;
}

TEST(FlowLearns, RealNvpBitsPerDimFall) {
  SKIP_WITHOUT_FASHION_MNIST();
  const Learned r = learn("realnvp", 40, 1e-3, {{"width", 8}, {"conv1x1", 1}});
  EXPECT_LT(r.after, r.before - 1.0) << r.before << " -> " << r.after;
  EXPECT_LT(r.after, 6.0) << r.before << " -> " << r.after;
}

}  // namespace
}  // namespace nabla
