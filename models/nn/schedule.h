#pragma once
// Learning-rate schedules: the factor that multiplies the base learning rate
// at a given step (0 = the first optimizer step).
#include <cstdint>

namespace nabla::nn {

class Optimizer;

class LRSchedule {
 public:
  enum class Kind { constant, linear, step };
  // Factor 1 at every step.
  static LRSchedule constant();
  // From 1 at step 0 linearly to final_factor at total_steps, then constant:
  // f(t) = 1 - (1 - final_factor) min(t, N) / N.
  static LRSchedule linear(int64_t total_steps, double final_factor = 0);
  // gamma^floor(t / step_size) (torch's StepLR).
  static LRSchedule step(int64_t step_size, double gamma = 0.1);

  double factor(int64_t step) const;
  double lr(double base_lr, int64_t step) const { return base_lr * factor(step); }
  // Sets opt's learning rate to base_lr * factor(step).
  void apply(Optimizer& opt, double base_lr, int64_t step) const;
  Kind kind() const { return kind_; }

 private:
  LRSchedule(Kind kind, int64_t n, double x) : kind_(kind), n_(n), x_(x) {}
  Kind kind_;
  int64_t n_;
  double x_;
};

}  // namespace nabla::nn
