#pragma once
// The weight beta of the rate in the beta-VAE objective D + beta R
// (Higgins et al. 2017) as a function of the step.
#include <cstdint>
#include <string>

namespace nabla::vae {

enum class BetaKind {
  constant,  // beta at every step
  linear,    // 0 to beta linearly over the first `warmup` steps, then beta
  cyclic,    // Fu et al. 2019: `cycles` cycles over the run; in each, 0 to beta
             // linearly over the first `ratio` of the cycle, then beta
};

struct BetaSchedule {
  BetaKind kind = BetaKind::constant;
  double beta = 1;
  int64_t warmup = 0;      // linear
  int64_t total = 1;       // cyclic: the run's steps
  int64_t cycles = 4;      // cyclic
  double ratio = 0.5;      // cyclic: the increasing part of a cycle (R in the paper)

  // beta at a step counted from 0.
  double at(int64_t step) const;
};

// "constant" | "linear" | "cyclic"; throws std::invalid_argument naming `model`.
BetaKind parse_beta_kind(const std::string& model, const std::string& name);

}  // namespace nabla::vae
