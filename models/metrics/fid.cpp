#include "models/metrics/fid.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "autograd/nabla.h"
#include "core/eigh.h"

namespace nabla::metrics {

namespace {

// Sum of sqrt(max(w, 0)) over the eigenvalues of the symmetric m.
double trace_sqrt(const Tensor& m) {
  const Tensor w = prim::eigh(m).first;
  double s = 0;
  for (double v : to_vector<double>(w)) s += std::sqrt(std::max(v, 0.0));
  return s;
}

// The symmetric square root V diag(sqrt(max(w, 0))) V^T.
Tensor sqrt_psd(const Tensor& m) {
  const auto [w, v] = prim::eigh(m);
  return matmul(v * sqrt(clamp(w, 0.0, std::numeric_limits<double>::infinity())), transpose(v, 0, 1));
}

double trace(const Tensor& m) {
  const auto v = to_vector<double>(m);
  double t = 0;
  for (int64_t i = 0; i < m.size(0); ++i) t += v[i * m.size(0) + i];
  return t;
}

void check_gaussian(const Gaussian& g, const char* which) {
  if (!g.mean.defined() || !g.cov.defined() || g.mean.dim() != 1 || g.cov.dim() != 2 ||
      g.cov.size(0) != g.mean.size(0) || g.cov.size(1) != g.mean.size(0))
    throw std::invalid_argument(std::string("frechet_distance: Gaussian ") + which +
                                " needs mean [D] and cov [D, D], got " + describe(g.mean) + " and " +
                                describe(g.cov));
}

}  // namespace

Gaussian fit_gaussian(const Tensor& features, const FidOptions& options) {
  if (!features.defined() || features.dim() != 2)
    throw std::invalid_argument("fid: expected features [N, D], got " +
                                (features.defined() ? describe(features) : std::string("an undefined tensor")));
  const int64_t n = features.size(0), d = features.size(1);
  if (options.regularise < 0) throw std::invalid_argument("fid: regularise must be >= 0");
  if (n < 2) throw std::invalid_argument("fid: need at least 2 samples, got " + describe(features));
  if (n <= d && options.regularise == 0)
    throw std::invalid_argument("fid: " + std::to_string(n) + " samples of " + std::to_string(d) +
                                " features give a singular covariance; need more samples than feature dims "
                                "(N > D), or a regularise epsilon added to its diagonal (FidOptions::regularise, `nabla eval --regularise 1e-6`)");
  NoGradGuard no_grad;
  const Tensor x = to(to(features, Device::cpu()), DType::f64);
  Gaussian g;
  g.mean = mean(x, {0});
  const Tensor c = x - g.mean;
  g.cov = matmul(transpose(c, 0, 1), c) / static_cast<double>(n - 1);
  if (options.regularise > 0) g.cov = g.cov + eye(d, DType::f64) * options.regularise;
  return g;
}

double frechet_distance(const Gaussian& a, const Gaussian& b) {
  check_gaussian(a, "a");
  check_gaussian(b, "b");
  if (a.mean.size(0) != b.mean.size(0))
    throw std::invalid_argument("frechet_distance: feature dims differ: " + describe(a.mean) + " and " +
                                describe(b.mean));
  NoGradGuard no_grad;
  auto f64 = [](const Tensor& t) { return to(to(t, Device::cpu()), DType::f64); };
  const Tensor m1 = f64(a.mean), m2 = f64(b.mean), s1 = f64(a.cov), s2 = f64(b.cov);
  const Tensor root = sqrt_psd(s1);
  const Tensor middle = matmul(matmul(root, s2), root);
  // Symmetric up to rounding; make it exactly so for the solver.
  const Tensor sym = (middle + transpose(middle, 0, 1)) * 0.5;
  const double mean_term = sum(square(m1 - m2)).item();
  const double trace_term = trace(s1) + trace(s2) - 2 * trace_sqrt(sym);
  return std::max(0.0, mean_term + trace_term);
}

double fid(const Tensor& features_a, const Tensor& features_b, const FidOptions& options) {
  if (features_a.defined() && features_b.defined() && features_a.dim() == 2 && features_b.dim() == 2 &&
      features_a.size(1) != features_b.size(1))
    throw std::invalid_argument("fid: feature dims differ: " + describe(features_a) + " and " +
                                describe(features_b));
  return frechet_distance(fit_gaussian(features_a, options), fit_gaussian(features_b, options));
}

}  // namespace nabla::metrics
