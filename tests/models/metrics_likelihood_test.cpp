#include "models/metrics/likelihood.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace nabla::metrics {
namespace {

TEST(Likelihood, BitsPerDimIsNatsOverDimsLog2) {
  EXPECT_DOUBLE_EQ(bits_per_dim(784 * std::log(2.0), 784), 1.0);
  EXPECT_DOUBLE_EQ(bits_per_dim(3.0, 2), 3.0 / (2 * std::log(2.0)));
  EXPECT_THROW(bits_per_dim(1.0, 0), std::invalid_argument);
}

// A uniform density on [0, 1]^D assigns every 8-bit image 256^-D: 8 bits/dim.
TEST(Likelihood, UniformDensityScoresEightBitsPerDim) {
  EXPECT_DOUBLE_EQ(dequantisation_offset(784), 784 * std::log(256.0));
  EXPECT_NEAR(dequantised_bits_per_dim(0.0, 784), 8.0, 1e-12);
  // A density of 2^D on half the cube: one bit/dim better.
  EXPECT_NEAR(dequantised_bits_per_dim(-10 * std::log(2.0), 10), 7.0, 1e-12);
}

// One pixel, p(y) = 2y on [0, 1]: the discrete probability of x is
// ((x+1)^2 - x^2) / 256^2 exactly; the dequantised estimate (the expectation
// over u done by quadrature) bounds its NLL from above, tightly where p is flat.
TEST(Likelihood, DequantisedBoundIsAboveTheDiscreteNllAndTight) {
  for (int x : {0, 1, 17, 128, 255}) {
    const double exact_nats = -std::log((2.0 * x + 1) / 65536.0);
    double expected_nll = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
      const double y = (x + (i + 0.5) / n) / 256.0;
      expected_nll += -std::log(2 * y) / n;
    }
    const double bound_bits = dequantised_bits_per_dim(expected_nll, 1);
    const double exact_bits = exact_nats / std::log(2.0);
    EXPECT_GE(bound_bits, exact_bits - 1e-9) << x;
    EXPECT_NEAR(bound_bits, exact_bits, x == 0 ? 1.0 : 0.05) << x;
  }
}

}  // namespace
}  // namespace nabla::metrics
