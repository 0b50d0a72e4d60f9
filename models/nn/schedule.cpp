#include "models/nn/schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/nn/optim.h"

namespace nabla::nn {

LRSchedule LRSchedule::constant() { return {Kind::constant, 0, 1}; }

LRSchedule LRSchedule::linear(int64_t total_steps, double final_factor) {
  if (total_steps <= 0)
    throw std::invalid_argument("LRSchedule::linear: total_steps must be positive, got " +
                                std::to_string(total_steps));
  return {Kind::linear, total_steps, final_factor};
}

LRSchedule LRSchedule::step(int64_t step_size, double gamma) {
  if (step_size <= 0)
    throw std::invalid_argument("LRSchedule::step: step_size must be positive, got " + std::to_string(step_size));
  return {Kind::step, step_size, gamma};
}

double LRSchedule::factor(int64_t step) const {
  if (step < 0) throw std::invalid_argument("LRSchedule: negative step " + std::to_string(step));
  switch (kind_) {
    case Kind::constant: return 1.0;
    case Kind::linear:
      return 1.0 - (1.0 - x_) * static_cast<double>(std::min(step, n_)) / static_cast<double>(n_);
    case Kind::step: return std::pow(x_, static_cast<double>(step / n_));
  }
  return 1.0;
}

void LRSchedule::apply(Optimizer& opt, double base_lr, int64_t step) const { opt.set_lr(lr(base_lr, step)); }

}  // namespace nabla::nn
