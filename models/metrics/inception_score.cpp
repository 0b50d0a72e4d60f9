#include "models/metrics/inception_score.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "autograd/nabla.h"

namespace nabla::metrics {

namespace {

// A permutation of [0, n) from seed: indices sorted by Philox uniform keys.
std::vector<int64_t> shuffled(int64_t n, uint64_t seed) {
  Generator gen(seed);
  const std::vector<double> keys = to_vector<double>(rand({n}, DType::f64, &gen));
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return keys[a] < keys[b]; });
  return order;
}

// exp of the mean KL(p(y|x) || p(y)) over the rows `rows` of p [N, C].
double split_score(const std::vector<double>& p, int64_t c, const std::vector<int64_t>& rows) {
  std::vector<double> marginal(c, 0.0);
  for (int64_t r : rows)
    for (int64_t k = 0; k < c; ++k) marginal[k] += p[r * c + k];
  for (double& m : marginal) m /= static_cast<double>(rows.size());
  double kl = 0;
  for (int64_t r : rows)
    for (int64_t k = 0; k < c; ++k) {
      const double q = p[r * c + k];
      if (q > 0) kl += q * (std::log(q) - std::log(marginal[k]));
    }
  return std::exp(kl / static_cast<double>(rows.size()));
}

}  // namespace

InceptionScore inception_score(const Tensor& probs, int64_t splits, uint64_t seed) {
  if (!probs.defined() || probs.dim() != 2)
    throw std::invalid_argument("inception_score: expected probabilities [N, C], got " +
                                (probs.defined() ? describe(probs) : std::string("an undefined tensor")));
  const int64_t n = probs.size(0), c = probs.size(1);
  if (splits < 1 || n < splits)
    throw std::invalid_argument("inception_score: need N >= splits >= 1, got " + describe(probs) + " and " +
                                std::to_string(splits) + " splits");
  const std::vector<double> p = to_vector<double>(to(probs, Device::cpu()));
  if (std::any_of(p.begin(), p.end(), [](double v) { return !(v >= 0); }))
    throw std::invalid_argument("inception_score: probabilities must be >= 0 (softmax outputs), got a " +
                                std::string("negative or NaN entry in ") + describe(probs));
  const std::vector<int64_t> order = shuffled(n, seed);
  std::vector<double> scores;
  for (int64_t s = 0; s < splits; ++s) {
    // Part s: rows [s N / splits, (s + 1) N / splits) of the shuffled order.
    const std::vector<int64_t> rows(order.begin() + s * n / splits, order.begin() + (s + 1) * n / splits);
    scores.push_back(split_score(p, c, rows));
  }
  InceptionScore out;
  for (double v : scores) out.mean += v;
  out.mean /= static_cast<double>(splits);
  for (double v : scores) out.std += (v - out.mean) * (v - out.mean);
  out.std = std::sqrt(out.std / static_cast<double>(splits));
  return out;
}

}  // namespace nabla::metrics
