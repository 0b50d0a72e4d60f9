#include "models/metrics/birthday.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "autograd/nabla.h"

namespace nabla::metrics {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Tensor flat64(const Tensor& x) { return to(reshape(x, {x.size(0), -1}), DType::f64); }

// Squared distances [a, b] (CPU, row-major) between the rows of two flat f64 tensors.
std::vector<double> squared_distances(const Tensor& a, const Tensor& b) {
  const Tensor d2 = sum(a * a, {1}, true) + t(sum(b * b, {1}, true)) - 2.0 * matmul(a, t(b));
  return to_vector<double>(to(clamp(d2, 0.0, std::numeric_limits<double>::max()), Device::cpu()));
}

struct Pair {
  double distance;
  int64_t batch, i, j;
};

}  // namespace

double nearest_neighbour_quantile(const Tensor& reference, double q) {
  if (!reference.defined() || reference.dim() < 1 || reference.size(0) < 2 || !(q >= 0 && q <= 1))
    throw std::invalid_argument("birthday: expected a reference [M, ...] with M >= 2 and 0 <= quantile <= 1, got " +
                                (reference.defined() ? describe(reference) : std::string("none")) + " and " +
                                std::to_string(q));
  NoGradGuard no_grad;
  const Tensor x = flat64(reference);
  const int64_t m = x.size(0), block = 512;
  std::vector<double> nearest;
  for (int64_t r0 = 0; r0 < m; r0 += block) {
    const int64_t r1 = std::min(m, r0 + block);
    const std::vector<double> d2 = squared_distances(slice(x, 0, r0, r1), x);
    for (int64_t r = r0; r < r1; ++r) {
      double best = kInf;
      for (int64_t c = 0; c < m; ++c)
        if (c != r) best = std::min(best, d2[(r - r0) * m + c]);
      nearest.push_back(std::sqrt(best));
    }
  }
  std::sort(nearest.begin(), nearest.end());
  return nearest[static_cast<size_t>(std::lround(q * static_cast<double>(m - 1)))];
}

BirthdayResult birthday_test(const std::function<Tensor(int64_t, Generator&)>& sample, Generator& gen,
                             const BirthdayOptions& o, const Tensor& reference) {
  if (o.batch_sizes.empty() || o.batches < 1 || o.pairs < 0)
    throw std::invalid_argument("birthday: expected batch sizes, batches >= 1 and pairs >= 0");
  for (int64_t s : o.batch_sizes)
    if (s < 2) throw std::invalid_argument("birthday: batch sizes must be >= 2, got " + std::to_string(s));
  NoGradGuard no_grad;
  BirthdayResult out;
  out.threshold = o.threshold > 0 ? o.threshold : nearest_neighbour_quantile(reference, o.quantile);
  const double t2 = out.threshold * out.threshold;
  const int64_t largest = *std::max_element(o.batch_sizes.begin(), o.batch_sizes.end());
  std::vector<Pair> closest;
  std::vector<Tensor> kept;  // the batches of the largest s
  for (int64_t s : o.batch_sizes) {
    BirthdayRow row{.s = s};
    for (int64_t b = 0; b < o.batches; ++b) {
      const Tensor batch = sample(s, gen);
      const std::vector<double> d2 = squared_distances(flat64(batch), flat64(batch));
      int64_t dups = 0;
      std::vector<Pair> mine;
      for (int64_t i = 0; i < s; ++i)
        for (int64_t j = i + 1; j < s; ++j) {
          dups += d2[i * s + j] < t2;
          if (s == largest) mine.push_back({std::sqrt(d2[i * s + j]), static_cast<int64_t>(kept.size()), i, j});
        }
      row.duplicate_rate += (dups > 0) / static_cast<double>(o.batches);
      row.mean_pairs += dups / static_cast<double>(o.batches);
      if (s == largest) {
        const auto by_distance = [](const Pair& a, const Pair& b) { return a.distance < b.distance; };
        const size_t k = std::min<size_t>(mine.size(), o.pairs);
        std::partial_sort(mine.begin(), mine.begin() + k, mine.end(), by_distance);
        closest.insert(closest.end(), mine.begin(), mine.begin() + k);
        std::stable_sort(closest.begin(), closest.end(), by_distance);
        closest.resize(std::min<size_t>(closest.size(), o.pairs));
        kept.push_back(batch);
      }
    }
    const double pairs = s * (s - 1.0);
    row.support_from_rate = row.duplicate_rate >= 1 ? std::nan("") : pairs / (-2 * std::log1p(-row.duplicate_rate));
    row.support_from_pairs = row.mean_pairs > 0 ? pairs / (2 * row.mean_pairs) : kInf;
    out.rows.push_back(row);
  }
  out.support = kInf;
  double best = 1;
  for (const BirthdayRow& r : out.rows)
    if (r.duplicate_rate > 0 && r.duplicate_rate < 1 && std::abs(r.duplicate_rate - 0.5) < best)
      best = std::abs(r.duplicate_rate - 0.5), out.support = r.support_from_rate;
  if (best == 1)
    for (const BirthdayRow& r : out.rows)
      if (r.s == largest && r.mean_pairs > 0) out.support = r.support_from_pairs;
  std::vector<Tensor> images;
  for (const Pair& p : closest) {
    images.push_back(select(kept[p.batch], 0, p.i));
    images.push_back(select(kept[p.batch], 0, p.j));
    out.distances.push_back(p.distance);
  }
  if (!images.empty()) out.closest = stack(images, 0);
  return out;
}

}  // namespace nabla::metrics
