#pragma once
// The VAE of Kingma & Welling 2014 as a pair of networks and the terms of
// its bound: a diagonal Gaussian encoder q(z|x), a standard normal prior and
// a Bernoulli or Gaussian decoder p(x|z). MLP or conv nets; conditional on
// the class (CVAE, Sohn et al. 2015) by concatenating a one-hot label to the
// encoder's input and to the decoder's latent.
//
// Data x are flattened images [N, 784]: binarised {0, 1} for the Bernoulli
// decoder, pixels in [0, 1] for the Gaussian one.
#include <cstdint>
#include <string>

#include "core/random.h"
#include "core/tensor.h"
#include "models/nn/module.h"

namespace nabla::vae {

inline constexpr int64_t kPixels = 784, kClasses = 10;

enum class Decoder { bernoulli, gaussian };

struct VaeArch {
  bool conv = false;         // conv encoder, transposed-conv decoder (28x28 only)
  bool conditional = false;  // CVAE: one-hot class into encoder and decoder
  int64_t z_dim = 20;
  int64_t hidden = 400;      // MLP hidden width
  Decoder decoder = Decoder::bernoulli;
  bool learned_variance = false;  // Gaussian: per-pixel variance from the decoder
  double sigma = 0.1;             // Gaussian with fixed variance: its std
};

// The decoder's output for a batch of latents.
struct Decoded {
  Tensor loc;     // Bernoulli logits or Gaussian means [N, 784]
  Tensor logvar;  // Gaussian log-variances [N, 784] (a scalar when fixed); undefined for Bernoulli
};

struct Terms {
  Tensor rate;        // KL(q(z|x) || p(z)) [N]
  Tensor distortion;  // -log p(x|z) at one z ~ q(z|x) [N]
  Tensor mu, logvar;  // q(z|x)
  Decoded decoded;
};

class Vae {
 public:
  Vae(const VaeArch& arch, Generator* init);

  // q(z|x): {mu, logvar} [N, Z]. y: i64 labels [N] (CVAE only; else ignored).
  std::pair<Tensor, Tensor> encode(const Tensor& x, const Tensor& y) const;
  Decoded decode(const Tensor& z, const Tensor& y) const;
  // log p(x|z) per row.
  Tensor log_likelihood(const Tensor& x, const Decoded& d) const;
  // E[x|z] in [0, 1] (Bernoulli: sigmoid(logits); Gaussian: clamped mean) [N, 784].
  Tensor mean_image(const Decoded& d) const;
  // Rate and distortion at one reparameterised sample, noise from gen.
  Terms terms(const Tensor& x, const Tensor& y, Generator* gen) const;
  // The IWAE bound with k samples per row [N] (Burda et al. 2016), rows
  // processed so that k * rows <= chunk decoder passes at a time.
  Tensor iwae(const Tensor& x, const Tensor& y, int64_t k, Generator* gen, int64_t chunk = 4096) const;

  const VaeArch& arch() const { return arch_; }
  nn::Module& encoder() const { return *encoder_; }
  nn::Module& decoder() const { return *decoder_; }
  std::vector<Tensor> parameters() const;

 private:
  Tensor condition(const Tensor& x, const Tensor& y) const;
  Tensor iwae_rows(const Tensor& x, const Tensor& y, int64_t k, Generator* gen) const;

  VaeArch arch_;
  nn::ModulePtr encoder_, decoder_;
};

}  // namespace nabla::vae
