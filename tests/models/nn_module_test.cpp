#include <gtest/gtest.h>

#include "models/nn/nn.h"
#include "tests/testing.h"

namespace nabla::nn {
namespace {

using testing::allclose;

std::vector<std::string> names(const NamedTensors& v) {
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(e.first);
  return out;
}

std::shared_ptr<Sequential> make_net(Generator* gen) {
  auto inner = std::make_shared<Sequential>(std::vector<ModulePtr>{
      std::make_shared<Linear>(3, 4, true, Options{}, gen), std::make_shared<BatchNorm1d>(4)});
  return std::make_shared<Sequential>(std::vector<ModulePtr>{
      inner, std::make_shared<ReLU>(), std::make_shared<Linear>(4, 2, false, Options{}, gen)});
}

TEST(NnModule, DottedNamesOfNestedSequential) {
  Generator gen(1);
  auto net = make_net(&gen);
  EXPECT_EQ(names(net->named_parameters()),
            (std::vector<std::string>{"0.0.weight", "0.0.bias", "0.1.weight", "0.1.bias", "2.weight"}));
  EXPECT_EQ(names(net->named_buffers()),
            (std::vector<std::string>{"0.1.running_mean", "0.1.running_var", "0.1.num_batches_tracked"}));
  EXPECT_EQ(names(net->state_dict()),
            (std::vector<std::string>{"0.0.weight", "0.0.bias", "0.1.weight", "0.1.bias", "0.1.running_mean",
                                      "0.1.running_var", "0.1.num_batches_tracked", "2.weight"}));
  EXPECT_EQ(net->parameters().size(), 5u);
  std::vector<std::string> mods;
  for (auto& [n, m] : net->named_modules()) mods.push_back(n + ":" + m->type_name());
  EXPECT_EQ(mods, (std::vector<std::string>{":Sequential", "0:Sequential", "0.0:Linear", "0.1:BatchNorm1d",
                                            "1:ReLU", "2:Linear"}));
  for (const Tensor& p : net->parameters()) EXPECT_TRUE(p.requires_grad());
}

TEST(NnModule, SharedParameterListedOnce) {
  auto lin = std::make_shared<Linear>(2, 2);
  Sequential seq({lin, lin});
  EXPECT_EQ(names(seq.named_parameters()), (std::vector<std::string>{"0.weight", "0.bias"}));
}

TEST(NnModule, StateDictRoundTripGivesIdenticalOutputs) {
  Generator g1(1), g2(2);
  auto a = make_net(&g1), b = make_net(&g2);
  Tensor x = randn({5, 3}, {}, &g1);
  a->forward(x);  // moves the running stats away from their initial values
  a->eval();
  b->eval();
  EXPECT_FALSE(allclose(a->forward(x), b->forward(x)));
  b->load_state_dict(a->state_dict());
  EXPECT_TRUE(allclose(a->forward(x), b->forward(x), 0, 0));
  EXPECT_EQ(b->state_dict()[6].second.item(), 1.0);  // num_batches_tracked
  // Copied, not aliased.
  EXPECT_FALSE(a->state_dict()[0].second.storage() == b->state_dict()[0].second.storage());
}

TEST(NnModule, LoadStateDictErrors) {
  auto net = make_net(nullptr);
  StateDict sd = net->state_dict();
  StateDict missing(sd.begin() + 1, sd.end());
  try {
    net->load_state_dict(missing);
    FAIL() << "no throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("missing keys \"0.0.weight\""), std::string::npos) << e.what();
  }
  net->load_state_dict(missing, /*strict=*/false);  // fine without strict

  StateDict extra = sd;
  extra.emplace_back("3.weight", zeros({1}));
  try {
    net->load_state_dict(extra);
    FAIL() << "no throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("unexpected keys \"3.weight\""), std::string::npos) << e.what();
  }

  StateDict bad_shape = sd;
  bad_shape[0].second = zeros({3, 4});
  bad_shape[1].second = full({4}, 7.0);  // valid, but must not be written
  Tensor before = clone(detach(sd[1].second));
  try {
    net->load_state_dict(bad_shape, false);
    FAIL() << "no throw";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("\"0.0.weight\": expected f32[4, 3]"), std::string::npos) << m;
    EXPECT_NE(m.find("got f32[3, 4]"), std::string::npos) << m;
  }
  StateDict bad_dtype = sd;
  bad_dtype[1].second = zeros({4}, DType::f64);
  EXPECT_THROW(net->load_state_dict(bad_dtype), std::invalid_argument);
  EXPECT_TRUE(allclose(net->state_dict()[1].second, before, 0, 0));  // nothing written
}

TEST(NnModule, TrainEvalIsRecursive) {
  auto net = make_net(nullptr);
  for (auto& [n, m] : net->named_modules()) EXPECT_TRUE(m->is_training()) << n;
  net->eval();
  for (auto& [n, m] : net->named_modules()) EXPECT_FALSE(m->is_training()) << n;
  net->train();
  for (auto& [n, m] : net->named_modules()) EXPECT_TRUE(m->is_training()) << n;
}

TEST(NnModule, ZeroGradSetsGradsUndefined) {
  auto lin = std::make_shared<Linear>(3, 2);
  backward(sum(lin->forward(ones({4, 3}))));
  for (const Tensor& p : lin->parameters()) EXPECT_TRUE(p.grad().defined());
  lin->zero_grad();
  for (const Tensor& p : lin->parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(NnModule, ToDtypeConvertsInPlaceOfHandles) {
  auto net = make_net(nullptr);
  const Tensor w = net->parameters()[0];  // a handle held outside, like an optimizer's
  const auto before = to_vector<double>(w);
  backward(sum(net->forward(ones({2, 3}))));
  net->to(DType::f64);
  EXPECT_EQ(w.dtype(), DType::f64);
  EXPECT_EQ(w.grad().dtype(), DType::f64);
  EXPECT_EQ(to_vector<double>(w), before);
  EXPECT_TRUE(w.requires_grad());
  EXPECT_EQ(net->state_dict()[6].second.dtype(), DType::i64);
  EXPECT_EQ(net->forward(ones({2, 3}, DType::f64)).dtype(), DType::f64);
  net->to(Device::cpu());  // no-op on the same device
  EXPECT_EQ(w.device(), Device::cpu());
}

TEST(NnModule, RegistrationErrors) {
  Linear lin(2, 2);
  EXPECT_THROW(lin.register_parameter("weight", zeros({1})), std::invalid_argument);
  EXPECT_THROW(lin.register_buffer("a.b", zeros({1})), std::invalid_argument);
  EXPECT_THROW(lin.get("nothing"), std::invalid_argument);
  EXPECT_FALSE(lin.find("nothing").defined());
  EXPECT_THROW(Sequential()[0], std::out_of_range);
}

}  // namespace
}  // namespace nabla::nn
