#include "models/vae/schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nabla::vae {

double BetaSchedule::at(int64_t step) const {
  switch (kind) {
    case BetaKind::constant:
      return beta;
    case BetaKind::linear:
      return warmup <= 0 ? beta : beta * std::min(1.0, static_cast<double>(step) / static_cast<double>(warmup));
    case BetaKind::cyclic: {
      // Fu et al. 2019, eq. (3): tau = mod(t, T/M) / (T/M); beta = tau / R up to R, then 1.
      const double period = std::max(1.0, static_cast<double>(total) / static_cast<double>(std::max<int64_t>(1, cycles)));
      const double tau = std::fmod(static_cast<double>(step), period) / period;
      return beta * std::min(1.0, ratio > 0 ? tau / ratio : 1.0);
    }
  }
  return beta;
}

BetaKind parse_beta_kind(const std::string& model, const std::string& name) {
  if (name == "constant") return BetaKind::constant;
  if (name == "linear") return BetaKind::linear;
  if (name == "cyclic") return BetaKind::cyclic;
  throw std::invalid_argument(model + ": beta_schedule=" + name + " is not one of constant, linear, cyclic");
}

}  // namespace nabla::vae
