#include "models/metrics/likelihood.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace nabla::metrics {

namespace {

void check_dims(int64_t dims, const char* what) {
  if (dims <= 0) throw std::invalid_argument(std::string(what) + ": dims must be positive, got " + std::to_string(dims));
}

}  // namespace

double bits_per_dim(double nll_nats, int64_t dims) {
  check_dims(dims, "bits_per_dim");
  return nll_nats / (static_cast<double>(dims) * std::log(2.0));
}

double dequantisation_offset(int64_t dims) {
  check_dims(dims, "dequantisation_offset");
  return static_cast<double>(dims) * std::log(256.0);
}

double dequantised_bits_per_dim(double nll_continuous_nats, int64_t dims) {
  check_dims(dims, "dequantised_bits_per_dim");
  return bits_per_dim(nll_continuous_nats + dequantisation_offset(dims), dims);
}

const std::vector<std::string>& likelihood_metric_names() {
  static const std::vector<std::string> names = {"bpd", "nll", "elbo", "rate", "distortion", "iwae"};
  return names;
}

}  // namespace nabla::metrics
