#pragma once
// Autoencoders: a bottleneck MLP x -> code -> x^ trained to reconstruct its
// input (MSE); with a sparsity penalty on the code (sparse AE: L1, and the
// KL divergence of each unit's mean activation from a target rho, Ng's
// CS294A notes sec. 3); or reconstructing clean inputs from corrupted ones
// (denoising AE, Vincent et al. 2008: masking or additive Gaussian noise).
#include <cstdint>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/tensor.h"
#include "models/nn/module.h"

namespace nabla::ae {

struct AeArch {
  int64_t in = 784;
  std::vector<int64_t> hidden = {256};  // widths between input and code (mirrored in the decoder)
  int64_t code = 32;
  bool linear = false;          // no nonlinearity anywhere: the PCA autoencoder
  bool sigmoid_code = false;    // code in (0, 1) (what the KL sparsity penalty needs)
};

struct Autoencoder {
  nn::ModulePtr encoder, decoder;
  Tensor code(const Tensor& x) const { return (*encoder)(x); }
  Tensor reconstruct(const Tensor& x) const { return (*decoder)(code(x)); }
  std::vector<Tensor> parameters() const;
};

// Linear layers with ReLU between them; a non-linear decoder ends in a
// sigmoid (pixels in [0, 1]).
Autoencoder make_autoencoder(const AeArch& arch, Generator* init);

// Mean over the batch of sum_j |h_j| for codes h [N, K].
Tensor l1_sparsity(const Tensor& h);
// sum_j KL(rho || rho_hat_j) between Bernoullis, rho_hat_j the batch mean of
// unit j's activation in (0, 1) (Ng, "Sparse autoencoder", eq. on p. 15).
Tensor kl_sparsity(const Tensor& h, double rho);

enum class Noise { none, gaussian, masking };
Noise parse_noise(const std::string& model, const std::string& name);
// gaussian: x + level * eps; masking: each entry set to 0 with probability level.
Tensor corrupt(const Tensor& x, Noise noise, double level, Generator* gen);

}  // namespace nabla::ae
