#include "models/nn/clip.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "autograd/nabla.h"

namespace nabla::nn {

double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm) {
  if (!(max_norm >= 0)) throw std::invalid_argument("clip_grad_norm_: invalid max_norm " + std::to_string(max_norm));
  NoGradGuard no_grad;
  double sq = 0;
  for (const Tensor& p : params) {
    const Tensor g = p.grad();
    if (!g.defined()) continue;
    const double n = norm(g).item();
    sq += n * n;
  }
  const double total = std::sqrt(sq);
  const double coef = max_norm / (total + 1e-6);
  if (coef < 1)
    for (const Tensor& p : params)
      if (p.grad().defined()) mul_(p.grad(), coef);
  return total;
}

void clip_weights_(const std::vector<Tensor>& params, double c) {
  if (!(c >= 0)) throw std::invalid_argument("clip_weights_: invalid bound " + std::to_string(c));
  NoGradGuard no_grad;
  for (const Tensor& p : params) copy_(p, clamp(p, -c, c));
}

}  // namespace nabla::nn
