#pragma once
// Likelihoods in the units people compare: bits per dimension for flows and
// autoregressive models on 8-bit images.
//
// Dequantisation (Theis, van den Oord & Bethge 2016, sec. 3.1; Dinh et al.
// 2017, sec. 4.1). A continuous density p on y in [0, 1]^D is trained on
// y = (x + u) / 256, x in {0..255}^D the pixels, u ~ U[0, 1)^D. Its discrete
// model P(x) = integral of p over the cube [x/256, (x+1)/256)^D, and by
// Jensen's inequality (the cube has volume 256^-D)
//   -log P(x) <= E_u[-log p((x + u) / 256)] + D log 256.
// So the bits/dim of the discrete model are at most
//   (NLL_continuous + D log 256) / (D log 2) = NLL_continuous / (D log 2) + 8,
// which is what is reported: an upper bound on the discrete NLL, exact in the
// limit of a density constant on each cube. A uniform density on [0, 1]^D
// (NLL_continuous = 0) scores 8 bits/dim.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nabla::metrics {

// Bits per dimension of a negative log-likelihood in nats of D dimensions.
double bits_per_dim(double nll_nats, int64_t dims);

// The dequantisation offset D log 256 (nats) between a density on [0, 1]^D
// of the scaled pixels and the discrete model of 8-bit pixels.
double dequantisation_offset(int64_t dims);

// Bits/dim of 8-bit data from the NLL (nats per image) of a continuous density
// on the dequantised pixels scaled to [0, 1]^D: the bound above.
double dequantised_bits_per_dim(double nll_continuous_nats, int64_t dims);

// Test-split likelihoods of a density model, what `nabla eval --metrics
// bpd,nll,elbo,rate,distortion,iwae` asks of a trainer. All on the first n
// images of the test split, in nats per image unless bits/dim:
//   bpd         bits per dimension: nll / (D ln 2) (VAEs: -elbo / (D ln 2))
//   nll         negative log-likelihood (flows: the dequantised bound above)
//   elbo        E_q[log p(x|z)] - KL(q(z|x) || p(z)), one z per image
//   rate        KL(q(z|x) || p(z));  distortion  -E_q log p(x|z)
//   iwae        the IWAE bound log (1/k) sum_i p(x, z_i) / q(z_i|x), k = iwae_k,
//               on the first iwae_n images (Burda et al. 2016, eq. 8)
struct LikelihoodOptions {
  std::vector<std::string> metrics;  // names from likelihood_metric_names()
  int64_t n = 10000;                 // test images (at most the split)
  int64_t iwae_k = 1000, iwae_n = 500;
};

// bpd, nll, elbo, rate, distortion, iwae.
const std::vector<std::string>& likelihood_metric_names();

class LikelihoodModel {
 public:
  virtual ~LikelihoodModel() = default;
  // The names of likelihood_metric_names() that this model reports.
  virtual std::vector<std::string> likelihood_metrics() const = 0;
  // The asked-for scores by name, each drawing its randomness (dequantisation
  // noise, z ~ q) from a stream of the run's seed, so that they equal what
  // the trainer's scores() logs at the same sizes; changes no state.
  virtual std::map<std::string, double> likelihood_scores(const LikelihoodOptions& options) = 0;
};

}  // namespace nabla::metrics
