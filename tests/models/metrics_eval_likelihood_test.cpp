// `nabla eval --metrics bpd,nll,elbo,rate,distortion,iwae` (metrics::evaluate
// through metrics::LikelihoodModel): a checkpoint of a few steps scores what
// its run logged through Trainer::scores(), and what a direct computation
// gives; metrics that do not apply throw naming the model.
#include <cmath>
#include <sstream>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/ar/pixel_trainer.h"
#include "models/data/mnist.h"
#include "models/io/metrics_log.h"
#include "models/metrics/evaluate.h"
#include "models/registry.h"
#include "models/train/checkpoint.h"
#include "models/train/loop.h"
#include "tests/models/data_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

using data::testing::TempDir;

// A run of `steps` steps with a sample grid and scores() at its last step.
train::TrainConfig tiny(const std::string& model, const std::string& out, nlohmann::json options) {
  train::TrainConfig c = train::testing::small_config(model, out, 2);
  c.batch = 8;
  c.lr = 1e-3;
  c.sample_every = 2;
  c.options = std::move(options);
  return c;
}

struct Trained {
  std::map<std::string, double> logged;  // scores() at the last step, from metrics.jsonl
  std::unique_ptr<train::Trainer> trainer;  // rebuilt from the last checkpoint, as `nabla eval` does
  std::string model;
};

Trained train_and_reload(const train::TrainConfig& c) {
  std::ostringstream quiet;
  const train::RunResult r = train_model(c, quiet);
  Trained t;
  for (const auto& rec : io::read_metrics(r.run_dir + "/metrics.jsonl").records)
    if (rec.step == r.steps) t.logged.insert(rec.values.begin(), rec.values.end());
  const train::Checkpoint ck = train::load_checkpoint(r.checkpoint);
  t.trainer = find_model(ck.config.model).make(ck.config);
  t.trainer->load(ck.state);
  t.model = ck.config.model;
  return t;
}

EvalOptions likelihood(std::vector<std::string> metrics, int64_t n, const std::string& model) {
  EvalOptions o;
  o.metrics = std::move(metrics);
  o.n = n;
  o.model = model;
  return o;
}

TEST(EvalLikelihood, VaeScoresWhatItsRunLogged) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  Trained t = train_and_reload(tiny("vae", dir.file("vae"), {{"hidden", 32}, {"z_dim", 4}, {"eval_n", 40},
                                                              {"iwae_k", 6}, {"iwae_n", 10}}));
  ASSERT_TRUE(t.logged.count("test_elbo") && t.logged.count("test_nll_iwae"));
  EvalOptions o = likelihood({"bpd", "elbo", "rate", "distortion", "iwae"}, 40, t.model);
  o.iwae_k = 6;
  o.iwae_n = 10;
  const auto s = evaluate(*t.trainer, nullptr, o);
  EXPECT_DOUBLE_EQ(s.at("elbo"), t.logged.at("test_elbo"));
  EXPECT_DOUBLE_EQ(s.at("rate"), t.logged.at("test_rate"));
  EXPECT_DOUBLE_EQ(s.at("distortion"), t.logged.at("test_distortion"));
  EXPECT_DOUBLE_EQ(s.at("iwae"), -t.logged.at("test_nll_iwae"));
  EXPECT_NEAR(s.at("bpd"), -s.at("elbo") / (784 * std::log(2.0)), 1e-12);
  // iwae alone: the same estimate (its own stream), and a model that learnt
  // nothing yet sits near 784 ln 2 = 543 nats of coin flips, not at 0.
  const auto alone = evaluate(*t.trainer, nullptr, [&] { EvalOptions a = o; a.metrics = {"iwae"}; return a; }());
  EXPECT_EQ(alone.size(), 1u);
  EXPECT_DOUBLE_EQ(alone.at("iwae"), s.at("iwae"));
  EXPECT_GT(-s.at("iwae"), 100.0);
}

TEST(EvalLikelihood, FlowBitsPerDimAreTheLoggedOnes) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  Trained t = train_and_reload(tiny("nice", dir.file("nice"), {{"hidden", 16}, {"hidden_layers", 1}, {"eval_n", 30}}));
  ASSERT_TRUE(t.logged.count("test_bpd"));
  const auto s = evaluate(*t.trainer, nullptr, likelihood({"bpd", "nll"}, 30, t.model));
  EXPECT_DOUBLE_EQ(s.at("bpd"), t.logged.at("test_bpd"));
  EXPECT_NEAR(s.at("nll"), s.at("bpd") * 784 * std::log(2.0), 1e-9);
  // Another n scores other images.
  EXPECT_NE(evaluate(*t.trainer, nullptr, likelihood({"bpd"}, 20, t.model)).at("bpd"), s.at("bpd"));
}

TEST(EvalLikelihood, PixelCnnNllIsTheDirectSum) {
  SKIP_WITHOUT_FASHION_MNIST();
  TempDir dir;
  Trained t = train_and_reload(tiny("pixelcnn", dir.file("pcnn"), {{"width", 4}, {"blocks", 1}, {"out_hidden", 4},
                                                                   {"eval_n", 20}, {"completions", 0}, {"picture_n", 2}}));
  ASSERT_TRUE(t.logged.count("test_nll"));
  const auto s = evaluate(*t.trainer, nullptr, likelihood({"nll", "bpd"}, 20, t.model));
  EXPECT_DOUBLE_EQ(s.at("nll"), t.logged.at("test_nll"));
  EXPECT_NEAR(s.at("bpd"), s.at("nll") / (784 * std::log(2.0)), 1e-12);
  // Directly: the net's NLL of the first 20 binarised test images.
  auto& pcnn = dynamic_cast<ar::PixelTrainer&>(*t.trainer);
  const data::Dataset test = data::load_fashion_mnist(data::Split::test, "");
  const Tensor images = to(slice(test.images, 0, 0, 20), DType::f32) / 127.5 - 1.0;
  NoGradGuard no_grad;
  const double direct = mean(to(pcnn.net().nll(ar::pixel_values(images, 2)), DType::f64)).item();
  EXPECT_NEAR(s.at("nll"), direct, 1e-9 * direct);
}

TEST(EvalLikelihood, InapplicableMetricsNameTheModel) {
  auto make = [](const std::string& model, nlohmann::json options = nlohmann::json::object()) {
    train::TrainConfig c = tiny(model, "", std::move(options));
    return find_model(model).make(c);
  };
  EXPECT_THROW_MESSAGE(evaluate(*make("gan"), nullptr, likelihood({"bpd"}, 10, "gan")), std::invalid_argument,
                       "bpd needs a likelihood model", "gan has no test likelihood");
  EXPECT_THROW_MESSAGE(evaluate(*make("nice"), nullptr, likelihood({"elbo"}, 10, "nice")), std::invalid_argument,
                       "elbo does not apply to nice", "bpd, nll");
  EXPECT_THROW_MESSAGE(evaluate(*make("vae", {{"decoder", "gaussian"}}), nullptr, likelihood({"bpd"}, 10, "vae")),
                       std::invalid_argument, "bpd does not apply to vae");
  EXPECT_THROW_MESSAGE(evaluate(*make("pixelcnn"), nullptr, likelihood({"nll", "bitz"}, 10, "pixelcnn")),
                       std::invalid_argument, "unknown metric \"bitz\"", "iwae");
}

}  // namespace
}  // namespace nabla::metrics
