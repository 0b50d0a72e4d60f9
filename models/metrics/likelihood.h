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

namespace nabla::metrics {

// Bits per dimension of a negative log-likelihood in nats of D dimensions.
double bits_per_dim(double nll_nats, int64_t dims);

// The dequantisation offset D log 256 (nats) between a density on [0, 1]^D
// of the scaled pixels and the discrete model of 8-bit pixels.
double dequantisation_offset(int64_t dims);

// Bits/dim of 8-bit data from the NLL (nats per image) of a continuous density
// on the dequantised pixels scaled to [0, 1]^D: the bound above.
double dequantised_bits_per_dim(double nll_continuous_nats, int64_t dims);

}  // namespace nabla::metrics
