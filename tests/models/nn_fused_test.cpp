// Fused layer + activation in models: BatchNorm / Conv2d / ConvTranspose2d with an
// activation give the bits of the layer followed by the activation module,
// and DCGAN-28's fused nets keep the unfused nets' parameter names and outputs.
#include <gtest/gtest.h>

#include "models/gan/nets.h"
#include "models/nn/fused.h"
#include "models/nn/nn.h"
#include "tests/testing.h"

namespace nabla::nn {
namespace {

using testing::bitwise_equal;

TEST(NnFused, LayersWithAnActivationAreTheLayerThenTheActivation) {
  Generator gen(5);
  const Tensor x = randn({4, 3, 5, 5}, DType::f32, &gen);
  for (bool training : {true, false}) {
    auto [bn, placeholder] = fuse_activation(std::make_shared<BatchNorm2d>(3), Activation{Act::leaky_relu, 0.2}, "LeakyReLU");
    BatchNorm2d plain(3);
    bn->train(training);
    plain.train(training);
    const Tensor y = (*placeholder)((*bn)(x));
    EXPECT_TRUE(bitwise_equal(y, LeakyReLU(0.2).forward(plain.forward(x))));
    EXPECT_TRUE(bitwise_equal(bn->get("running_mean"), plain.get("running_mean")));
    EXPECT_EQ(placeholder->type_name(), "LeakyReLU (fused into the layer before)");
  }
  Generator g1(7), g2(7);
  ConvTranspose2d fused(3, 2, {4, 4}, {}, Options{}, &g1), plain(3, 2, {4, 4}, {}, Options{}, &g2);
  fused.activation = {Act::tanh};
  EXPECT_TRUE(bitwise_equal(fused.forward(x), Tanh().forward(plain.forward(x))));
  Generator g3(9), g4(9);
  Conv2d fused_conv(3, 4, {4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, Options{}, &g3);
  Conv2d plain_conv(3, 4, {4, 4}, {.stride = {2, 2}, .padding = {1, 1}}, Options{}, &g4);
  fused_conv.activation = {Act::leaky_relu, 0.2};
  EXPECT_TRUE(bitwise_equal(fused_conv.forward(x), LeakyReLU(0.2).forward(plain_conv.forward(x))));
}

TEST(NnFused, Dcgan28NetsKeepTheirParameterNames) {
  Generator gen(1);
  std::vector<std::string> names;
  for (const auto& [name, t] : gan::dcgan28_generator(100, &gen)->named_parameters()) names.push_back(name);
  const std::vector<std::string> want{"0.weight", "0.bias", "1.weight", "1.bias", "4.weight",
                                      "4.bias",   "5.weight", "5.bias", "7.weight", "7.bias"};
  EXPECT_EQ(names, want);
  names.clear();
  for (const auto& [name, t] : gan::dcgan28_discriminator(&gen)->named_buffers()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"3.running_mean", "3.running_var", "3.num_batches_tracked"}));
}

}  // namespace
}  // namespace nabla::nn
