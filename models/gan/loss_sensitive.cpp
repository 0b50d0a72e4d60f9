#include "models/gan/loss_sensitive.h"

#include <stdexcept>

#include "autograd/nabla.h"

namespace nabla::gan {

Nonneg parse_nonneg(const std::string& name, const std::string& who) {
  if (name == "relu") return Nonneg::relu;
  if (name == "softplus") return Nonneg::softplus;
  if (name == "abs") return Nonneg::abs;
  if (name == "none") return Nonneg::none;
  throw std::invalid_argument(who + ": unknown nonneg \"" + name + "\"; known: relu, softplus, abs, none");
}

std::string nonneg_name(Nonneg n) {
  switch (n) {
    case Nonneg::relu: return "relu";
    case Nonneg::softplus: return "softplus";
    case Nonneg::abs: return "abs";
    case Nonneg::none: return "none";
  }
  return "";
}

Tensor leaky_cost(const Tensor& a, double slope) { return leaky_relu(a, slope); }

Tensor loss_values(const Tensor& d_out, Nonneg nonneg) {
  const Tensor d = reshape(d_out, {d_out.size(0)});
  switch (nonneg) {
    case Nonneg::relu: return relu(d);
    case Nonneg::softplus: return softplus(d);
    case Nonneg::abs: return abs(d);
    case Nonneg::none: return d;
  }
  throw std::logic_error("loss_values: bad nonneg");
}

Tensor l1_margin(const Tensor& real, const Tensor& fake, double tau) {
  const Tensor diff = reshape(detach(real) - detach(fake), {real.size(0), -1});
  return tau * sum(abs(diff), {1});
}

Tensor ls_critic_loss(const Tensor& l_real, const Tensor& l_fake, const Tensor& margin, const LossSensitive& o) {
  Tensor loss = mean(leaky_cost(margin + l_real - l_fake, o.slope));
  return o.gamma > 0 ? o.gamma * mean(l_real) + loss : loss;
}

Tensor ls_generator_loss(const Tensor& l_fake) { return mean(l_fake); }

}  // namespace nabla::gan
