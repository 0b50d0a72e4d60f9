#include "models/gan/penalties.h"

#include <algorithm>

#include "autograd/nabla.h"

namespace nabla::gan {

Tensor per_sample_norm(const Tensor& g) {
  const Tensor flat = reshape(g, {g.size(0), -1});
  return sqrt(sum(square(flat), {1}));
}

Tensor input_gradient(const Tensor& d_out, const Tensor& x) {
  BackwardOptions o;
  o.create_graph = true;
  return grad({sum(d_out)}, {x}, {}, o)[0];
}

Tensor gradient_penalty_at(const Tensor& d_out, const Tensor& x_hat, double lambda) {
  return lambda * mean(square(per_sample_norm(input_gradient(d_out, x_hat)) - 1.0));
}

Tensor interpolates(const Tensor& real, const Tensor& fake, Generator& gen) {
  Shape eps_shape(real.dim(), 1);
  eps_shape[0] = real.size(0);
  const Tensor eps = rand(eps_shape, Options::like(real), &gen);
  Tensor x_hat = detach(eps * detach(real) + (1.0 - eps) * detach(fake));
  x_hat.requires_grad_(true);
  return x_hat;
}

Tensor gradient_penalty(nn::Module& d, const Tensor& real, const Tensor& fake, Generator& gen, double lambda) {
  const Tensor x_hat = interpolates(real, fake, gen);
  return gradient_penalty_at(d(x_hat), x_hat, lambda);
}

Tensor gradient_norm_penalty(const Tensor& d_out, const Tensor& x, double gamma) {
  const Tensor g = input_gradient(d_out, x);
  return (gamma / 2) * mean(sum(square(reshape(g, {g.size(0), -1})), {1}));
}

double instance_noise_std(double sigma0, int64_t t, int64_t steps) {
  if (steps <= 0) return 0;
  return sigma0 * std::max(0.0, 1.0 - static_cast<double>(t) / static_cast<double>(steps));
}

}  // namespace nabla::gan
