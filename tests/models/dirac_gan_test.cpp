// The Dirac-GAN (Mescheder et al. 2018, section 2): its gradients against the
// closed forms, the paper's convergence claims, resume and the picture.
#include <cmath>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/gan/dirac_gan.h"
#include "models/registry.h"
#include "models/train/checkpoint.h"
#include "tests/models/data_testing.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::gan {
namespace {

double sigmoid(double t) { return 1 / (1 + std::exp(-t)); }
double fprime(double t) { return sigmoid(-t); }  // f(t) = -log(1 + exp(-t))

train::TrainConfig config(const std::string& loss, const std::string& update, double lr = 0.1) {
  train::TrainConfig c;
  c.model = "dirac-gan";
  c.lr = lr;
  c.options = {{"loss", loss}, {"update", update}};
  return c;
}

DiracOptions options(const std::string& loss) { return DiracOptions::from(config(loss, "simultaneous")); }

// The update direction at one point, through nabla's autograd.
std::pair<double, double> field_at(const std::string& loss, double theta, double psi) {
  const auto [vt, vp] = dirac_field(scalar(theta, DType::f64), scalar(psi, DType::f64), options(loss));
  return {vt.item(), vp.item()};
}

constexpr double kTheta = 0.7, kPsi = -1.3;

TEST(DiracGan, GanGradientsMatchTheClosedForm) {
  // dL/dtheta = f'(psi theta) psi, dL/dpsi = f'(psi theta) theta; G descends, D ascends.
  const auto [vt, vp] = field_at("gan", kTheta, kPsi);
  EXPECT_NEAR(vt, -fprime(kPsi * kTheta) * kPsi, 1e-12);
  EXPECT_NEAR(vp, fprime(kPsi * kTheta) * kTheta, 1e-12);
}

TEST(DiracGan, VariantGradientsMatchTheClosedForms) {
  const double f1 = fprime(kPsi * kTheta);
  auto [vt, vp] = field_at("ns", kTheta, kPsi);  // G minimises -f(-psi theta)
  EXPECT_NEAR(vt, -fprime(-kPsi * kTheta) * kPsi, 1e-12);
  EXPECT_NEAR(vp, f1 * kTheta, 1e-12);
  std::tie(vt, vp) = field_at("wgan", kTheta, kPsi);  // L = psi theta
  EXPECT_NEAR(vt, -kPsi, 1e-12);
  EXPECT_NEAR(vp, kTheta, 1e-12);
  std::tie(vt, vp) = field_at("r1", kTheta, kPsi);  // D's loss + gamma/2 psi^2, gamma 1
  EXPECT_NEAR(vt, -f1 * kPsi, 1e-12);
  EXPECT_NEAR(vp, f1 * kTheta - kPsi, 1e-12);
  std::tie(vt, vp) = field_at("wgan-gp", kTheta, kPsi);  // + gamma/2 (|psi| - 1)^2
  EXPECT_NEAR(vt, -kPsi, 1e-12);
  EXPECT_NEAR(vp, kTheta - (std::abs(kPsi) - 1) * (kPsi < 0 ? -1 : 1), 1e-12);
}

TEST(DiracGan, InstanceNoiseGradientsMatchAnIndependentQuadrature) {
  // E over z ~ N(0, 1) of the GAN field at theta + z (sigma 1), midpoint rule on [-9, 9].
  double et = 0, ep = 0, mass = 0;
  const int n = 20000;
  for (int k = 0; k < n; ++k) {
    const double z = -9 + 18 * (k + 0.5) / n, w = std::exp(-z * z / 2);
    const double x = kTheta + z;
    et += w * -fprime(kPsi * x) * kPsi;
    ep += w * (x * fprime(kPsi * x) - z * fprime(-kPsi * z));
    mass += w;
  }
  const auto [vt, vp] = field_at("noise", kTheta, kPsi);
  EXPECT_NEAR(vt, et / mass, 1e-8);
  EXPECT_NEAR(vp, ep / mass, 1e-8);
}

TEST(DiracGan, FieldIsElementwiseOverAGrid) {
  const Tensor th = tensor<double>({kTheta, -0.2, 1.5}), ps = tensor<double>({kPsi, 0.4, -2.0});
  const auto [vt, vp] = dirac_field(th, ps, options("r1"));
  const auto t = to_vector<double>(vt), p = to_vector<double>(vp);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_NEAR(t[0], field_at("r1", kTheta, kPsi).first, 1e-12);
  EXPECT_NEAR(p[2], field_at("r1", 1.5, -2.0).second, 1e-12);
}

// The distance to (0, 0) after `steps` steps from (1, 1), and its smallest
// value over the last `tail` steps.
struct Run {
  double last, tail_min;
};
Run run(const std::string& loss, const std::string& update, int steps, int tail = 100) {
  DiracGanTrainer t(config(loss, update));
  Run r{0, INFINITY};
  for (int k = 0; k < steps; ++k) {
    r.last = t.step().at("distance");
    if (k >= steps - tail) r.tail_min = std::min(r.tail_min, r.last);
  }
  return r;
}

TEST(DiracGan, SimultaneousGanDoesNotConverge) {
  EXPECT_GT(run("gan", "simultaneous", 500).tail_min, std::sqrt(2.0));  // it spirals outwards
  // The non-saturating loss dissipates -psi theta tanh(psi theta / 2) of
  // theta^2 + psi^2 (a cubic term), simultaneous steps add h^2 / 4 of it (a
  // quadratic one): the two balance on a cycle of radius about sqrt(2 h).
  EXPECT_GT(run("ns", "simultaneous", 2000).tail_min, 0.4);
}

TEST(DiracGan, AlternatingGanCycles) {
  EXPECT_GT(run("gan", "alternating", 500).tail_min, 0.5);
}

TEST(DiracGan, WganWithClippingDoesNotConverge) {
  EXPECT_GT(run("wgan", "simultaneous", 500).tail_min, 0.5);
  EXPECT_GT(run("wgan", "alternating", 500).tail_min, 0.5);
}

TEST(DiracGan, WganClipsPsi) {
  train::TrainConfig c = config("wgan", "simultaneous");
  c.options["clip"] = 0.5;
  DiracGanTrainer t(c);
  double highest = 0;
  for (int k = 0; k < 100; ++k) highest = std::max(highest, std::abs(t.step().at("psi")));
  EXPECT_EQ(highest, 0.5);
}

// Mescheder et al.'s section 3.2: the penalty pulls |psi| to 1, not 0.
TEST(DiracGan, WganGpDoesNotConverge) {
  EXPECT_GT(run("wgan-gp", "simultaneous", 500).tail_min, 0.5);
  EXPECT_GT(run("wgan-gp", "alternating", 500).tail_min, 0.5);
}

TEST(DiracGan, R1Converges) {
  EXPECT_LT(run("r1", "alternating", 500).last, 1e-2);
  EXPECT_LT(run("r1", "simultaneous", 500).last, 1e-2);
}

TEST(DiracGan, InstanceNoiseConverges) {
  EXPECT_LT(run("noise", "alternating", 500).last, 1e-2);
  EXPECT_LT(run("noise", "simultaneous", 500).last, 1e-2);
}

TEST(DiracGan, BadOptionsAreRefused) {
  EXPECT_THROW_MESSAGE(DiracGanTrainer(config("lsgan", "alternating")), std::invalid_argument, "loss=lsgan");
  EXPECT_THROW_MESSAGE(DiracGanTrainer(config("gan", "sometimes")), std::invalid_argument, "update=sometimes");
  train::TrainConfig c = config("gan", "alternating");
  c.options["gama"] = 1;
  EXPECT_THROW(DiracGanTrainer{c}, std::invalid_argument);
}

TEST(DiracGan, SampleIsTheTrajectoryAndPictureDrawsIt) {
  DiracGanTrainer t(config("r1", "alternating"));
  for (int k = 0; k < 5; ++k) t.step();
  Generator gen(0);
  const Tensor h = t.sample(64, gen);
  ASSERT_EQ(h.shape(), (Shape{6, 2}));
  EXPECT_EQ(to_vector<double>(h)[0], 1.0);
  EXPECT_EQ(to_vector<double>(h)[10], t.theta());
  const Tensor pic = t.picture(64, gen);
  ASSERT_EQ(pic.dim(), 3);
  EXPECT_EQ(pic.size(2), 3);
  // The trajectory's red and the start's green are on it.
  const std::vector<uint8_t> px = to_vector<uint8_t>(pic);
  int red = 0, green = 0;
  for (size_t i = 0; i < px.size(); i += 3) {
    red += px[i] == 214 && px[i + 1] == 39 && px[i + 2] == 40;
    green += px[i] == 44 && px[i + 1] == 160 && px[i + 2] == 44;
  }
  EXPECT_GT(red, 20);
  EXPECT_GT(green, 20);
}

TEST(DiracGan, ResumedRunMatchesAnUninterruptedRunBitwise) {
  data::testing::TempDir straight_dir, resumed_dir;
  auto small = [](const std::string& out, int64_t steps) {
    train::TrainConfig c = train::testing::small_config("dirac-gan", out, steps);
    c.lr = 0.1;
    c.sample_every = 4;  // pictures at steps 4 and 8 (and 3, the stop), checkpoints with them
    c.options = {{"loss", "r1"}, {"update", "alternating"}};
    return c;
  };
  std::ostringstream out;
  const train::RunResult straight = train_model(small(straight_dir.str(), 8), out);
  const train::RunResult stopped = train_model(small(resumed_dir.str(), 3), out);
  train::TrainConfig rest;
  rest.resume = stopped.checkpoint;
  rest.steps = 8;
  rest.progress = false;
  const train::RunResult resumed = train_model(rest, out);
  const train::Checkpoint a = train::load_checkpoint(straight.checkpoint), b = train::load_checkpoint(resumed.checkpoint);
  ASSERT_EQ(a.state.tensors.size(), 3u);
  ASSERT_EQ(b.state.tensors.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.state.tensors[i].first, b.state.tensors[i].first);
    EXPECT_TRUE(nabla::testing::bitwise_equal(a.state.tensors[i].second, b.state.tensors[i].second))
        << a.state.tensors[i].first;
  }
  EXPECT_EQ(b.state.tensors[2].second.size(0), 9);  // the trajectory: start + 8 steps
  EXPECT_EQ(straight.losses, resumed.losses);
}

}  // namespace
}  // namespace nabla::gan
