#include "models/metrics/precision_recall.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "autograd/nabla.h"

namespace nabla::metrics {

namespace {

Tensor flat64(const Tensor& x) { return to(reshape(x, {x.size(0), -1}), DType::f64); }

// Squared distances [rows of a, rows of b] (CPU, row-major), never negative.
std::vector<double> squared_distances(const Tensor& a, const Tensor& b) {
  const Tensor d2 = sum(a * a, {1}, true) + t(sum(b * b, {1}, true)) - 2.0 * matmul(a, t(b));
  return to_vector<double>(to(clamp(d2, 0.0, std::numeric_limits<double>::max()), Device::cpu()));
}

void check_set(const Tensor& x, const char* what) {
  if (!x.defined() || x.dim() < 2 || x.size(0) < 1)
    throw std::invalid_argument(std::string("precision_recall: expected ") + what + " [N, D], got " +
                                (x.defined() ? describe(x) : std::string("an undefined tensor")));
}

void check_block(int64_t block) {
  if (block < 1) throw std::invalid_argument("precision_recall: block must be >= 1, got " + std::to_string(block));
}

}  // namespace

std::vector<double> knn_radii(const Tensor& x, int64_t k, int64_t block) {
  check_set(x, "points");
  check_block(block);
  const int64_t n = x.size(0);
  if (k < 1 || k >= n)
    throw std::invalid_argument("precision_recall: k must be in [1, N-1], got k = " + std::to_string(k) + " for " +
                                describe(x));
  NoGradGuard no_grad;
  const Tensor f = flat64(x);
  std::vector<double> radii(n), row(n - 1);
  for (int64_t r0 = 0; r0 < n; r0 += block) {
    const int64_t r1 = std::min(n, r0 + block);
    const std::vector<double> d2 = squared_distances(slice(f, 0, r0, r1), f);
    for (int64_t r = r0; r < r1; ++r) {
      // The other points only: the self-distance is excluded by index.
      const double* d = d2.data() + (r - r0) * n;
      std::copy(d, d + r, row.begin());
      std::copy(d + r + 1, d + n, row.begin() + r);
      std::nth_element(row.begin(), row.begin() + (k - 1), row.end());
      radii[r] = std::sqrt(row[k - 1]);
    }
  }
  return radii;
}

double manifold_coverage(const Tensor& manifold, const std::vector<double>& radii, const Tensor& points,
                         int64_t block) {
  check_set(manifold, "a manifold");
  check_set(points, "points");
  check_block(block);
  const int64_t n = manifold.size(0), m = points.size(0);
  if (static_cast<int64_t>(radii.size()) != n)
    throw std::invalid_argument("precision_recall: " + std::to_string(radii.size()) + " radii for a manifold " +
                                describe(manifold));
  NoGradGuard no_grad;
  const Tensor a = flat64(manifold), b = flat64(points);
  if (a.size(1) != b.size(1))
    throw std::invalid_argument("precision_recall: feature dims differ: " + describe(manifold) + " and " +
                                describe(points));
  std::vector<double> r2(n);
  for (int64_t i = 0; i < n; ++i) r2[i] = radii[i] * radii[i];
  int64_t inside = 0;
  for (int64_t c0 = 0; c0 < m; c0 += block) {
    const int64_t c1 = std::min(m, c0 + block);
    const std::vector<double> d2 = squared_distances(slice(b, 0, c0, c1), a);
    for (int64_t c = 0; c < c1 - c0; ++c) {
      const double* d = d2.data() + c * n;
      for (int64_t i = 0; i < n; ++i)
        if (d[i] <= r2[i]) {
          ++inside;
          break;
        }
    }
  }
  return static_cast<double>(inside) / static_cast<double>(m);
}

PrecisionRecall precision_recall(const Tensor& real, const Tensor& generated, const PrecisionRecallOptions& o) {
  check_set(real, "real features");
  check_set(generated, "generated features");
  PrecisionRecall out;
  out.precision = manifold_coverage(real, knn_radii(real, o.k, o.block), generated, o.block);
  out.recall = manifold_coverage(generated, knn_radii(generated, o.k, o.block), real, o.block);
  return out;
}

}  // namespace nabla::metrics
