// Generator-Jacobian regularisers and the tempered lens: Jacobian clamping
// moves Q into [lambda_min, lambda_max], the tangent penalty makes a linear
// G's columns orthonormal, the lens moves away from the identity while
// lambda is large and back to it once lambda is 0, and the options train
// through GanTrainer.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "autograd/nabla.h"
#include "models/gan/gan_trainer.h"
#include "models/gan/jacobian_penalties.h"
#include "models/gan/lens.h"
#include "models/nn/nn.h"
#include "models/registry.h"
#include "tests/models/train_testing.h"
#include "tests/testing.h"

namespace nabla::gan {
namespace {

// [m, k] with `scale` on the diagonal: Q = scale in every direction.
Tensor scaled_embedding(int64_t m, int64_t k, double scale) {
  Tensor w = zeros({m, k}, DType::f64);
  w = scale * cat({eye(k, DType::f64), zeros({m - k, k}, DType::f64)}, 0);
  Tensor leaf = detach(w);
  leaf.requires_grad_(true);
  return leaf;
}

// Q of the linear G z -> z W^T at 256 fresh z.
Tensor clamping_q(const Tensor& w, uint64_t seed) {
  Generator gen(seed);
  const GeneratorFn g = [&](const Tensor& z) { return matmul(z, t(w)); };
  const Tensor z = randn({256, w.size(1)}, DType::f64, &gen);
  NoGradGuard no_grad;
  return jacobian_clamping(g, z, g(z), {}, gen).q;
}

// Minimises the clamping penalty alone (defaults eps 1, band [1, 20]).
void minimise_clamping(const Tensor& w, int64_t steps, double lr) {
  nn::Adam adam({w}, lr);
  Generator gen(1);
  const GeneratorFn g = [&](const Tensor& z) { return matmul(z, t(w)); };
  for (int64_t i = 0; i < steps; ++i) {
    adam.zero_grad();
    const Tensor z = randn({32, w.size(1)}, DType::f64, &gen);
    backward(jacobian_clamping(g, z, g(z), {}, gen).penalty);
    adam.step();
  }
}

TEST(JacobianClamping, PenaltyIsZeroInsideTheBandAndSquaredOutside) {
  for (const double scale : {0.5, 5.0, 30.0}) {
    const Tensor w = scaled_embedding(5, 3, scale);
    Generator gen(2);
    const GeneratorFn g = [&](const Tensor& z) { return matmul(z, t(w)); };
    const Tensor z = randn({8, 3}, DType::f64, &gen);
    const ClampingResult r = jacobian_clamping(g, z, g(z), {}, gen);
    EXPECT_NEAR(max(abs(r.q - scale)).item(), 0.0, 1e-9);  // an isometry times scale
    const double expected = scale < 1 ? (1 - scale) * (1 - scale) : scale > 20 ? (scale - 20) * (scale - 20) : 0;
    EXPECT_NEAR(r.penalty.item(), expected, 1e-9) << scale;
  }
}

TEST(JacobianClamping, GradientMovesQIntoTheBand) {
  const Tensor steep = scaled_embedding(6, 4, 50);   // Q = 50 > lambda_max
  const Tensor flat = scaled_embedding(6, 4, 0.01);  // Q = 0.01 < lambda_min
  EXPECT_GT(min(clamping_q(steep, 3)).item(), 20.0);
  EXPECT_LT(max(clamping_q(flat, 3)).item(), 1.0);
  minimise_clamping(steep, 150, 0.5);
  minimise_clamping(flat, 150, 0.05);
  const Tensor q_steep = clamping_q(steep, 3), q_flat = clamping_q(flat, 3);
  EXPECT_LE(max(q_steep).item(), 20.5);
  EXPECT_GE(min(q_steep).item(), 1.0);
  EXPECT_GE(min(q_flat).item(), 0.95);
  EXPECT_LE(max(q_flat).item(), 20.0);
}

TEST(TangentOrthonormality, JvpOnTheGraphIsJTimesV) {
  Generator gen(4);
  const Tensor w = randn({5, 3}, DType::f64, &gen);
  const GeneratorFn g = [&](const Tensor& z) { return tanh(matmul(z, t(w))); };
  const Tensor z = randn({2, 3}, DType::f64, &gen), v = randn({2, 3}, DType::f64, &gen);
  const Tensor jv = jvp_on_graph(jvp_setup(g, z), v);
  // d tanh(z W^T) along v: (1 - tanh^2) * (v W^T).
  const Tensor y = tanh(matmul(z, t(w)));
  EXPECT_TRUE(testing::allclose(jv, (1.0 - square(y)) * matmul(v, t(w)), 1e-12, 1e-12));
}

TEST(TangentOrthonormality, ZeroForOrthonormalColumnsPositiveOtherwise) {
  Generator gen(5);
  const Tensor z = randn({4, 3}, DType::f64, &gen);
  const Tensor isometry = scaled_embedding(6, 3, 1.0), stretched = scaled_embedding(6, 3, 2.0);
  auto penalty = [&](const Tensor& w) {
    return tangent_orthonormality([&](const Tensor& x) { return matmul(x, t(w)); }, z, 3, gen).item();
  };
  EXPECT_NEAR(penalty(isometry), 0.0, 1e-12);
  EXPECT_GT(penalty(stretched), 0.1);
}

TEST(TangentOrthonormality, GradientWithRespectToTheWeightsPassesGradcheck) {
  Generator init(7);
  const Tensor w = randn({4, 2}, DType::f64, &init);
  const Tensor z = randn({3, 2}, DType::f64, &init);
  EXPECT_GRADCHECK(gradcheck(
      [&](const Tensor& weight) {
        Generator gen(8);  // the same directions at every evaluation
        return tangent_orthonormality([&](const Tensor& x) { return tanh(matmul(x, t(weight))); }, z, 2, gen);
      },
      w));
}

TEST(TangentOrthonormality, MinimisingItMakesALinearGsColumnsOrthonormal) {
  Generator gen(6);
  Tensor w = randn({6, 3}, DType::f64, &gen);
  w.requires_grad_(true);
  auto gram_error = [&] { return max(abs(matmul(t(w), w) - eye(3, DType::f64))).item(); };
  EXPECT_GT(gram_error(), 0.5);
  nn::Adam adam({w}, 0.03);
  const GeneratorFn g = [&](const Tensor& z) { return matmul(z, t(w)); };
  for (int i = 0; i < 600; ++i) {
    adam.zero_grad();
    backward(tangent_orthonormality(g, randn({8, 3}, DType::f64, &gen), 4, gen));
    adam.step();
  }
  EXPECT_LT(gram_error(), 0.01);
}

TEST(TemperedLens, LambdaFollowsTheSineSchedule) {
  EXPECT_DOUBLE_EQ(lens_lambda(0, 100), 1.0);
  EXPECT_NEAR(lens_lambda(50, 100), 1 - std::sin(std::numbers::pi / 4), 1e-15);
  EXPECT_DOUBLE_EQ(lens_lambda(100, 100), 0.0);
  EXPECT_DOUBLE_EQ(lens_lambda(500, 100), 0.0);
  EXPECT_DOUBLE_EQ(lens_lambda(3, 0), 0.0);
}

train::TrainConfig ring_config(int64_t steps) {
  train::TrainConfig c = train::testing::small_config("gan", "", steps);
  c.batch = 64;
  c.lr = 1e-3;
  c.log_every = 1 << 30;
  c.options["data"] = "ring8";
  return c;
}

TEST(TemperedLens, MovesAwayWhileLambdaIsLargeAndReturnsToTheIdentity) {
  train::TrainConfig c = ring_config(300);
  c.options["lens"] = 1;
  c.options["lens_steps"] = 150;
  std::unique_ptr<train::Trainer> t = find_model("gan").make(c);
  ASSERT_NE(dynamic_cast<GanTrainer&>(*t).lens(), nullptr);
  double early = 0, last = 0;
  for (int64_t i = 0; i < 300; ++i) {
    const auto m = t->step();
    if (i < 100) early = std::max(early, m.at("lens_dist"));
    last = m.at("lens_dist");
    if (i == 0) {
      EXPECT_DOUBLE_EQ(m.at("lens_lambda"), 1.0);
    }
    if (i >= 150) {
      EXPECT_DOUBLE_EQ(m.at("lens_lambda"), 0.0);
    }
  }
  std::cout << "lens: largest |x - L(x)| in the first 100 steps " << early << ", at the end " << last << "\n";
  EXPECT_GT(early, 0.05);  // the ring's std is 0.02
  EXPECT_LT(last, 0.005);
}

TEST(GanJacobianOptions, ClampingMovesTheToyGeneratorsQIntoTheBand) {
  // The ring's G maps z in R^256 onto a circle of radius 2: a unit step in a
  // random direction of z moves G(z) by about 0.04 unregularised (Odena et
  // al.'s band [1, 20] is for image generators; here it would fight the
  // data). A band around the data's own scale, [0.1, 0.2], weight 100.
  auto trained_q = [](bool clamp) {
    train::TrainConfig c = ring_config(200);
    if (clamp) c.options = {{"data", "ring8"}, {"jc", 100}, {"jc_min", 0.1}, {"jc_max", 0.2}};
    std::unique_ptr<train::Trainer> t = find_model("gan").make(c);
    for (int i = 0; i < 200; ++i) t->step();
    auto& gan = dynamic_cast<GanTrainer&>(*t);
    Generator gen(9);
    const Tensor z = randn({512, gan.latent_dim()}, DType::f32, &gen);
    NoGradGuard no_grad;
    const GeneratorFn g = [&](const Tensor& x) { return gan.generate(x); };
    return mean(jacobian_clamping(g, z, g(z), {}, gen).q).item();
  };
  const double with = trained_q(true), without = trained_q(false);
  std::cout << "toy G's mean Q after 200 steps: " << without << " without clamping, " << with << " with\n";
  EXPECT_LT(without, 0.07);
  EXPECT_GT(with, 0.09);
  EXPECT_LT(with, 0.25);
}

TEST(GanJacobianOptions, TangentPenaltyTrainsAndIsLogged) {
  train::TrainConfig c = ring_config(3);
  c.options["tangent"] = 1;
  c.options["tangent_dirs"] = 2;
  c.options["jac_n"] = 4;
  std::unique_ptr<train::Trainer> t = find_model("gan").make(c);
  double first = 0;
  for (int i = 0; i < 3; ++i) {
    const auto m = t->step();
    if (i == 0) first = m.at("tangent");
    EXPECT_TRUE(std::isfinite(m.at("tangent")));
  }
  EXPECT_GT(first, 0.0);
  const auto scores = t->scores();
  EXPECT_EQ(scores.size(), 4u);
  EXPECT_TRUE(std::isfinite(scores.at("jac_logcond")));
  EXPECT_EQ(t->scores(), scores);  // changes no state
}

TEST(GanJacobianOptions, OptionsAreChecked) {
  train::TrainConfig c = ring_config(3);
  c.options["jc_min"] = 30;
  EXPECT_THROW_MESSAGE(find_model("gan").make(c), std::invalid_argument, "gan", "jc_min");
  c = ring_config(3);
  c.options["jc_eps"] = 0;
  EXPECT_THROW_MESSAGE(find_model("gan").make(c), std::invalid_argument, "jc_eps");
  c = ring_config(3);
  c.options["tangent_dirs"] = 0;
  EXPECT_THROW_MESSAGE(find_model("gan").make(c), std::invalid_argument, "tangent_dirs");
}

}  // namespace
}  // namespace nabla::gan
