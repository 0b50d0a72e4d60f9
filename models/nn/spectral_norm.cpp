#include "models/nn/spectral_norm.h"

#include <cmath>
#include <stdexcept>

#include "autograd/nabla.h"
#include "models/nn/layers.h"

namespace nabla::nn {

namespace {
// x / max(||x||, eps), as torch.nn.functional.normalize.
Tensor normalize(const Tensor& x, double eps) { return x / clamp(norm(x), eps, INFINITY); }
}  // namespace

SpectralNorm::SpectralNorm(ModulePtr module, std::string name, int n_power_iterations, double eps, int64_t dim,
                           Generator* gen)
    : module_(std::move(module)), name_(std::move(name)), n_power_iterations_(n_power_iterations), eps_(eps) {
  if (!module_) throw std::invalid_argument("SpectralNorm: module is null");
  if (n_power_iterations < 0)
    throw std::invalid_argument("SpectralNorm: n_power_iterations must be >= 0, got " +
                                std::to_string(n_power_iterations));
  if (!module_->has_parameter(name_))
    throw std::invalid_argument("SpectralNorm: " + module_->type_name() + " has no parameter \"" + name_ + "\"");
  dim_ = dim >= 0 ? dim : (dynamic_cast<ConvTranspose2d*>(module_.get()) ? 1 : 0);
  Tensor w = module_->get(name_);
  if (w.dim() < 2 || dim_ >= w.dim())
    throw std::invalid_argument("SpectralNorm: weight " + describe(w) + " has no dim " + std::to_string(dim_) +
                                " or fewer than 2 dims");
  Tensor wm = weight_matrix(w);
  Tensor u, v;
  {
    NoGradGuard no_grad;
    u = normalize(randn({wm.size(0)}, Options::like(w), gen), eps_);
    v = normalize(randn({wm.size(1)}, Options::like(w), gen), eps_);
  }
  module_->remove_parameter(name_);
  module_->register_parameter(name_ + "_orig", w);
  module_->register_buffer(name_ + "_u", u);
  module_->register_buffer(name_ + "_v", v);
  module_->set_attribute(name_, w);
  register_module("", module_);
}

Tensor SpectralNorm::weight_matrix(const Tensor& w) const {
  Tensor x = w;
  if (dim_ != 0) {
    std::vector<int64_t> order{dim_};
    for (int64_t d = 0; d < w.dim(); ++d)
      if (d != dim_) order.push_back(d);
    x = permute(w, order);
  }
  return reshape(x, {w.size(dim_), -1});
}

Tensor SpectralNorm::forward(const Tensor& x) {
  const Tensor w = module_->get(name_ + "_orig");
  const Tensor u = module_->get(name_ + "_u"), v = module_->get(name_ + "_v");
  Tensor wm = weight_matrix(w);
  Tensor sigma;
  {
    AutocastGuard f32(DType::f32);  // the power iteration and sigma stay f32 under mixed precision
    sigma = spectral_sigma(wm, u, v);
  }
  sigma_ = detach(sigma);
  module_->set_attribute(name_, w / sigma);
  return module_->forward(x);
}

Tensor SpectralNorm::spectral_sigma(const Tensor& wm, const Tensor& u, const Tensor& v) {
  if (is_training()) {
    NoGradGuard no_grad;
    Tensor wd = detach(wm);
    for (int i = 0; i < n_power_iterations_; ++i) {
      copy_(v, normalize(matmul(t(wd), u), eps_));
      copy_(u, normalize(matmul(wd, v), eps_));
    }
  }
  // Copies: the buffers change in place on the next forward, after this
  // graph has saved them.
  Tensor uc = clone(u), vc = clone(v);
  return sum(uc * matmul(wm, vc));
}

}  // namespace nabla::nn
