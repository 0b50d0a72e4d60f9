#include "models/gan/losses.h"

#include <stdexcept>

#include "autograd/nabla.h"

namespace nabla::gan {

namespace {

Tensor bce_to(const Tensor& logits, double target) {
  return binary_cross_entropy_with_logits(logits, full_like(logits, target));
}

}  // namespace

Loss parse_loss(const std::string& name, const std::string& who) {
  if (name == "minimax") return Loss::minimax;
  if (name == "ns") return Loss::non_saturating;
  if (name == "ls") return Loss::least_squares;
  if (name == "wasserstein") return Loss::wasserstein;
  if (name == "qi") return Loss::loss_sensitive;
  throw std::invalid_argument(who + ": unknown loss \"" + name + "\"; known: minimax, ns, ls, wasserstein, qi");
}

std::string loss_name(Loss loss) {
  switch (loss) {
    case Loss::minimax: return "minimax";
    case Loss::non_saturating: return "ns";
    case Loss::least_squares: return "ls";
    case Loss::wasserstein: return "wasserstein";
    case Loss::loss_sensitive: return "qi";
  }
  return "";
}

Tensor d_loss(Loss loss, const Tensor& d_real, const Tensor& d_fake) {
  switch (loss) {
    case Loss::minimax:
    case Loss::non_saturating: return bce_to(d_real, 1) + bce_to(d_fake, 0);
    case Loss::least_squares: return 0.5 * mean(square(d_real - 1.0)) + 0.5 * mean(square(d_fake));
    case Loss::wasserstein: return mean(d_fake) - mean(d_real);
    case Loss::loss_sensitive: throw std::invalid_argument("d_loss: the loss-sensitive loss needs the inputs (ls_critic_loss)");
  }
  throw std::logic_error("d_loss: bad loss");
}

Tensor g_loss(Loss loss, const Tensor& d_fake) {
  switch (loss) {
    case Loss::minimax: return -mean(softplus(d_fake));
    case Loss::non_saturating: return bce_to(d_fake, 1);
    case Loss::least_squares: return 0.5 * mean(square(d_fake - 1.0));
    case Loss::wasserstein: return -mean(d_fake);
    case Loss::loss_sensitive: throw std::invalid_argument("g_loss: the loss-sensitive loss is ls_generator_loss");
  }
  throw std::logic_error("g_loss: bad loss");
}

}  // namespace nabla::gan
