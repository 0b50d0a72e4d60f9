#include "models/metrics/reconstruction.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "autograd/nabla.h"

namespace nabla::metrics {

namespace {

// RMS error per row of G(z) against target, [B].
Tensor rms_error(const Tensor& generated, const Tensor& target) {
  const Tensor diff = reshape(generated - target, {target.size(0), -1});
  return sqrt(mean(square(diff), {1}));
}

}  // namespace

MreResult mean_reconstruction_error(const std::function<Tensor(const Tensor&)>& generator, int64_t z_dim,
                                    const Tensor& images, const MreOptions& o) {
  if (!images.defined() || images.dim() < 2 || images.size(0) < 1 || z_dim < 1 || o.starts < 1 || o.steps < 0 ||
      !(o.lr > 0))
    throw std::invalid_argument("mre: expected images [N, ...] with N >= 1, z_dim >= 1, starts >= 1, steps >= 0 and "
                                "lr > 0, got " +
                                (images.defined() ? describe(images) : std::string("no images")) + ", z_dim " +
                                std::to_string(z_dim) + ", starts " + std::to_string(o.starts) + ", lr " +
                                std::to_string(o.lr));
  const int64_t n = images.size(0);
  const Tensor x = detach(to(images, DType::f32));
  // Row s * n + i: start s of image i.
  const Tensor target = cat(std::vector<Tensor>(o.starts, x), 0);
  const double pixels = static_cast<double>(x.numel() / n);
  Generator gen(o.seed);
  Tensor z = randn({n * o.starts, z_dim}, x.device(), &gen);
  Tensor m = zeros_like(z), v = zeros_like(z);
  constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  for (int64_t step = 1; step <= o.steps; ++step) {
    Tensor zl = detach(z);
    zl.requires_grad_();
    // The summed squared errors: each z's gradient depends on its own row only.
    const Tensor loss = sum(square(generator(zl) - target)) / pixels;
    const Tensor g = grad({loss}, {zl})[0];
    NoGradGuard no_grad;
    m = m * b1 + g * (1 - b1);
    v = v * b2 + square(g) * (1 - b2);
    const double c1 = 1 - std::pow(b1, step), c2 = 1 - std::pow(b2, step);
    z = z - (m / c1) / (sqrt(v / c2) + eps) * o.lr;
  }
  NoGradGuard no_grad;
  const std::vector<double> err = to_vector<double>(to(rms_error(generator(z), target), Device::cpu()));
  MreResult out;
  std::vector<int64_t> best(n, 0);
  out.errors.assign(n, 0);
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t s = 1; s < o.starts; ++s)
      if (err[s * n + i] < err[best[i] * n + i]) best[i] = s;
    out.errors[i] = err[best[i] * n + i];
    out.mre += out.errors[i] / n;
    best[i] = best[i] * n + i;
  }
  out.best_z = index_select(to(z, Device::cpu()), 0, tensor(best, {n}));
  return out;
}

}  // namespace nabla::metrics
