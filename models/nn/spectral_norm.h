#pragma once
// Spectral normalization (Miyato et al. 2018) as a wrapper module. The
// wrapped module's parameter `name` is replaced by `name_orig` (the trained
// parameter) and buffers `name_u`, `name_v` (PyTorch's names). Each forward
// in training mode first runs n_power_iterations of the power method on the
// weight matrix W (no gradient through u, v):
//   v <- normalize(W^T u), u <- normalize(W v),
// then sets the module's `name` to W / sigma with sigma = u^T W v, the
// gradient flowing through W (and sigma's dependence on W). Eval mode uses
// the stored u, v without iterating.
//
// The wrapped module is a transparent child: its tensors keep their names
// (a SpectralNorm at "0" gives "0.weight_orig", "0.bias", "0.weight_u").
#include <string>

#include "core/random.h"
#include "models/nn/module.h"

namespace nabla::nn {

class SpectralNorm : public Module {
 public:
  // dim: the weight dim of the output features (W is that dim by the rest
  // flattened); -1 picks 1 for ConvTranspose2d and 0 otherwise, as PyTorch.
  // u and v start as normalized N(0, 1) draws from gen (default when null).
  explicit SpectralNorm(ModulePtr module, std::string name = "weight", int n_power_iterations = 1,
                        double eps = 1e-12, int64_t dim = -1, Generator* gen = nullptr);
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "SpectralNorm"; }
  const ModulePtr& module() const { return module_; }
  // sigma of the last forward (undefined before the first), detached.
  Tensor sigma() const { return sigma_; }

 private:
  Tensor weight_matrix(const Tensor& w) const;
  // u^T W v after the power iteration (training mode updates u and v).
  Tensor spectral_sigma(const Tensor& wm, const Tensor& u, const Tensor& v);

  ModulePtr module_;
  std::string name_;
  int n_power_iterations_;
  double eps_;
  int64_t dim_;
  Tensor sigma_;
};

}  // namespace nabla::nn
