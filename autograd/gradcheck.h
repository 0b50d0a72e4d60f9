#pragma once
// Finite-difference checks of the analytic gradients (use float64 inputs).
//
// gradcheck compares every entry of the Jacobian from backward passes with
// central differences (f(x + eps) - f(x - eps)) / 2 eps. gradgradcheck runs
// gradcheck on the function (inputs, v) -> grad(f(inputs), inputs, v) built
// with create_graph, which checks the second derivatives.
#include <string>
#include <vector>

#include "autograd/functional.h"

namespace nabla {

struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
};

struct GradcheckResult {
  bool ok = true;
  std::string message;  // the first mismatch: input, element, analytic vs numeric
  explicit operator bool() const { return ok; }
};

// Checks d f / d x for every input that requires grad (others stay fixed).
GradcheckResult gradcheck(const Fn& f, const std::vector<Tensor>& inputs, GradcheckOptions options = {});
GradcheckResult gradcheck(const Fn1& f, const Tensor& x, GradcheckOptions options = {});
// Second order, with random float64 grad_outputs drawn from `seed`.
GradcheckResult gradgradcheck(const Fn& f, const std::vector<Tensor>& inputs, GradcheckOptions options = {},
                              uint64_t seed = 0);
GradcheckResult gradgradcheck(const Fn1& f, const Tensor& x, GradcheckOptions options = {}, uint64_t seed = 0);

}  // namespace nabla
