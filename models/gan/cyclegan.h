#pragma once
// CycleGAN (Zhu, Park, Isola, Efros 2017, "Unpaired image-to-image
// translation using cycle-consistent adversarial networks") between two
// Fashion-MNIST classes: G_AB and G_BA translate, D_A and D_B are PatchGAN
// discriminators (cyclegan_nets.h). Per step, on a batch a of class A and a
// batch b of class B:
//   G:  LS(D_B(G_AB(a)), 1) + LS(D_A(G_BA(b)), 1)
//       + cycle (|G_BA(G_AB(a)) - a|_1 + |G_AB(G_BA(b)) - b|_1)
//       + identity (|G_BA(a) - a|_1 + |G_AB(b) - b|_1)   (identity 0: off)
//   D:  1/2 [LS(D_A(a), 1) + LS(D_A(G_BA(b)), 0)] + the same for D_B,
// LS(s, t) = mean (s - t)^2 over the patch map (the paper's least-squares
// loss, sec. 4), |.|_1 the mean absolute difference. Both G's share one
// Adam, both D's another. The paper's history pool of 50 fakes for D is not
// used (D sees the current fakes).
#include <map>
#include <memory>
#include <optional>

#include "models/data/loader.h"
#include "models/nn/nn.h"
#include "models/train/config.h"
#include "models/train/trainer.h"

namespace nabla::gan {

struct CycleGanOptions {
  int64_t a = 7, b = 9;    // options a, b: class labels of the two domains (sneaker, ankle boot)
  double cycle = 10;       // option cycle: lambda of the cycle loss
  double identity = 0;     // option identity: weight of the identity loss (the paper's 0.5 lambda = 5 when on)
  int64_t eval_n = 200;    // option eval_n: test images per domain that scores() evaluates
  static CycleGanOptions from(const train::TrainConfig& config);
};

// Held-out behaviour on n test images of each domain.
struct CycleEval {
  double cycle_l1_a = 0, cycle_l1_b = 0;  // mean |G_BA(G_AB(a)) - a|, mean |G_AB(G_BA(b)) - b|
  // Share of images that a nearest-class-mean classifier (the two domains'
  // training-set mean images, L2) assigns to the other domain: of the
  // inputs a and b, and of their translations G_AB(a) and G_BA(b).
  double a_as_b = 0, b_as_a = 0, translated_a_as_b = 0, translated_b_as_a = 0;
};

class CycleGanTrainer : public train::Trainer {
 public:
  explicit CycleGanTrainer(const train::TrainConfig& config);

  // Returns loss_g, loss_d, loss_cycle (the two L1 terms, unweighted) and
  // loss_identity when on.
  std::map<std::string, double> step() override;
  int64_t batches_per_epoch() override;
  // G_AB of n test images of domain A drawn with gen.
  Tensor sample(int64_t n, Generator& gen) override;
  // 8 test images of each domain drawn with gen, in six rows: A, G_AB(A),
  // G_BA(G_AB(A)), B, G_BA(B), G_AB(G_BA(B)); n unused.
  Tensor picture(int64_t n, Generator& gen) override;
  // evaluate(eval_n)'s numbers, prefixed "test_".
  std::map<std::string, double> scores() override;
  std::map<std::string, Tensor> losses() override;
  NamedTensors named_parameters() const override;
  train::TrainerState state() const override;
  void load(const train::TrainerState& state) override;

  // The first n test images of each domain (n <= 1000), without gradients.
  CycleEval evaluate(int64_t n);
  const CycleGanOptions& options() const { return options_; }

 private:
  struct Losses {
    Tensor g, d, cycle, identity;
  };
  void make_loaders();
  void load_test();
  Losses compute_losses(const Tensor& a, const Tensor& b);
  Tensor pick(const Tensor& images, int64_t n, Generator& gen) const;
  Tensor translate(nn::Module& g, const Tensor& x);  // eval mode, no gradients, on the CPU

  train::TrainConfig config_;
  CycleGanOptions options_;
  nn::ModulePtr g_ab_, g_ba_, d_a_, d_b_;
  std::unique_ptr<nn::Adam> opt_g_, opt_d_;
  std::optional<data::Loader> loader_a_, loader_b_;
  std::optional<data::LoaderState> pending_a_, pending_b_;
  Tensor test_a_, test_b_, mean_a_, mean_b_;  // test images in [-1, 1]; training-set class means
};

}  // namespace nabla::gan
