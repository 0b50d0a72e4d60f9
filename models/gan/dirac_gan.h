#pragma once
// The Dirac-GAN (Mescheder, Geiger, Nowozin 2018, "Which training methods for
// GANs do actually converge?", section 2): data p_D = delta_0, generator
// p_theta = delta_theta, discriminator D_psi(x) = psi x. The game is
//   L(theta, psi) = f(D_psi(theta)) + f(-D_psi(0)) = f(psi theta) + f(0),
// f(t) = -log(1 + exp(-t)); D maximises L (minus its regulariser), G
// minimises L. Its only equilibrium is (0, 0).
#include <string>
#include <utility>
#include <vector>

#include "models/train/config.h"
#include "models/train/trainer.h"

namespace nabla::gan {

enum class DiracLoss {
  gan,      // L as above
  ns,       // non-saturating: G minimises -f(-psi theta)
  wgan,     // f(t) = t, psi clipped to [-clip, clip] after each D step
  wgan_gp,  // f(t) = t, D's loss + gamma/2 (|grad_x D(x_hat)| - 1)^2
  noise,    // instance noise: theta + sigma z and 0 + sigma z, z ~ N(0, 1), in expectation
  r1,       // D's loss + gamma/2 |grad_x D(x)|^2 at the data: gamma/2 psi^2 here
};

struct DiracOptions {
  DiracLoss loss = DiracLoss::gan;
  bool alternating = false;  // D step, then G step at the new psi; else both from the same point
  double theta0 = 1, psi0 = 1;
  double gamma = 1;  // r1 and wgan-gp penalty weight
  double sigma = 1;  // instance noise std
  double clip = 1;   // wgan's clipping bound c

  // From config.options (loss, update, theta0, psi0, gamma, sigma, clip);
  // throws std::invalid_argument on an unknown name or value.
  static DiracOptions from(const train::TrainConfig& config);
  std::string describe() const;  // "gan, simultaneous"
};

// Both players' losses at each point of equally shaped theta and psi (any
// shape; elementwise), written with differentiable ops: `d` is what D
// minimises (-L plus its penalty, the penalty through double backward), `g`
// what G minimises.
struct DiracLosses {
  Tensor d, g;
};
DiracLosses dirac_losses(const Tensor& theta, const Tensor& psi, const DiracOptions& options);

// The update direction (-d loss_g / d theta, -d loss_d / d psi) at each point
// (f64 tensors of theta's shape), clipping left out.
std::pair<Tensor, Tensor> dirac_field(const Tensor& theta, const Tensor& psi, const DiracOptions& options);

class DiracGanTrainer : public train::Trainer {
 public:
  explicit DiracGanTrainer(const train::TrainConfig& config);

  // One gradient step of both players with step size config.lr; returns
  // theta, psi and distance (to the equilibrium (0, 0)).
  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override { return 1; }
  // The trajectory so far, f64 [steps + 1, 2] rows (theta, psi); n and gen unused.
  Tensor sample(int64_t n, Generator& gen) override;
  // The vector field on [-2, 2]^2 with the trajectory drawn over it.
  Tensor picture(int64_t n, Generator& gen) override;
  std::map<std::string, Tensor> losses() override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  double theta() const { return theta_.item(); }
  double psi() const { return psi_.item(); }
  const DiracOptions& options() const { return options_; }

 private:
  void apply(const Tensor& param, const Tensor& grad);  // param -= lr grad
  void clip_psi();                                       // wgan's projection
  Tensor sample_history() const;

  train::TrainConfig config_;
  DiracOptions options_;
  Tensor theta_, psi_;               // 0-d f64 leaves
  std::vector<double> history_;      // theta, psi pairs from the start
};

}  // namespace nabla::gan
