#include "models/metrics/witness.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

namespace nabla::metrics {

namespace {

// Filtration values of every vertex, edge (a < b) and triangle (a < b < c),
// dense: L, L^2 and L^3 entries, +infinity where not witnessed.
struct Values {
  explicit Values(int64_t l)
      : l(l), vertex(l, kInf), edge(l * l, kInf), triangle(l * l * l, kInf) {}
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  int64_t l;
  std::vector<double> vertex, edge, triangle;
  double& e(int64_t a, int64_t b) { return edge[a * l + b]; }
  double& t(int64_t a, int64_t b, int64_t c) { return triangle[(a * l + b) * l + c]; }
};

void lower(double& slot, double value) { slot = std::min(slot, value); }

// The simplices one witness sees: landmarks in its sorted order `order`
// with distances `d`, a k-simplex of sorted positions i < j (< m) at
// max(0, d[last] - d[k]) where it is <= alpha_max.
void witness(const std::vector<int64_t>& order, const std::vector<double>& d, double alpha_max, Values& v) {
  const int64_t l = static_cast<int64_t>(order.size());
  auto reach = [&](int64_t k) {  // positions whose relaxation at dimension k is <= alpha_max
    if (k >= l) return int64_t{0};
    return static_cast<int64_t>(std::upper_bound(d.begin(), d.end(), d[k] + alpha_max) - d.begin());
  };
  auto relax = [&](int64_t last, int64_t k) { return std::max(0.0, d[last] - d[k]); };
  const int64_t p0 = reach(0), p1 = reach(1), p2 = reach(2);
  for (int64_t i = 0; i < p0; ++i) lower(v.vertex[order[i]], relax(i, 0));
  for (int64_t j = 1; j < p1; ++j)
    for (int64_t i = 0; i < j; ++i)
      lower(v.e(std::min(order[i], order[j]), std::max(order[i], order[j])), relax(j, 1));
  for (int64_t m = 2; m < p2; ++m)
    for (int64_t j = 1; j < m; ++j)
      for (int64_t i = 0; i < j; ++i) {
        int64_t s[3] = {order[i], order[j], order[m]};
        std::sort(s, s + 3);
        lower(v.t(s[0], s[1], s[2]), relax(m, 2));
      }
}

}  // namespace

FilteredComplex witness_complex(const std::vector<double>& distances, int64_t witnesses, int64_t landmarks,
                                double alpha_max) {
  if (witnesses < 1 || landmarks < 1 || static_cast<int64_t>(distances.size()) != witnesses * landmarks)
    throw std::invalid_argument("witness_complex: expected a [witnesses, landmarks] table with both >= 1, got " +
                                std::to_string(distances.size()) + " values for [" + std::to_string(witnesses) +
                                ", " + std::to_string(landmarks) + "]");
  Values v(landmarks);
  std::vector<int64_t> order(landmarks);
  std::vector<double> d(landmarks);
  for (int64_t w = 0; w < witnesses; ++w) {
    const double* row = distances.data() + w * landmarks;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return row[a] < row[b]; });
    for (int64_t i = 0; i < landmarks; ++i) d[i] = row[order[i]];
    witness(order, d, alpha_max, v);
  }
  // Faces no later than their cofaces, then the cut at alpha_max.
  const int64_t l = landmarks;
  for (int64_t a = 0; a < l; ++a)
    for (int64_t b = a + 1; b < l; ++b)
      for (int64_t c = b + 1; c < l; ++c) {
        const double t = v.t(a, b, c);
        lower(v.e(a, b), t), lower(v.e(a, c), t), lower(v.e(b, c), t);
      }
  for (int64_t a = 0; a < l; ++a)
    for (int64_t b = a + 1; b < l; ++b) lower(v.vertex[a], v.e(a, b)), lower(v.vertex[b], v.e(a, b));
  FilteredComplex out;
  for (int64_t a = 0; a < l; ++a)
    if (v.vertex[a] <= alpha_max) out.vertices.push_back({{v.vertex[a]}, a});
  for (int64_t a = 0; a < l; ++a)
    for (int64_t b = a + 1; b < l; ++b) {
      if (v.e(a, b) <= alpha_max) out.edges.push_back({{v.e(a, b)}, {a, b}});
      for (int64_t c = b + 1; c < l; ++c)
        if (v.t(a, b, c) <= alpha_max) out.triangles.push_back({{v.t(a, b, c)}, {a, b, c}});
    }
  return out;
}

}  // namespace nabla::metrics
