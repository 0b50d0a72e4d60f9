#include "models/data/synthetic.h"

#include <cmath>
#include <numbers>
#include <vector>

#include "core/check.h"

namespace nabla::data {
namespace {

using std::numbers::pi;

void check_n(const char* op, int64_t n) {
  if (n < 0) throw_invalid(op, "expected n >= 0, got " + std::to_string(n));
}
void check_nonnegative(const char* op, const char* what, double v) {
  if (!(v >= 0) || !std::isfinite(v)) throw_invalid(op, std::string("expected a finite ") + what + " >= 0, got " +
                                                             std::to_string(v));
}

// Points f32 [n, 2] from (x, y) pairs in double.
Tensor points_from(const std::vector<double>& xy) {
  const int64_t n = static_cast<int64_t>(xy.size() / 2);
  Tensor t = empty({n, 2});
  float* p = t.data<float>();
  for (size_t i = 0; i < xy.size(); ++i) p[i] = static_cast<float>(xy[i]);
  return t;
}

// Each point = centre of a uniformly chosen mode + std N(0, I).
Mixture sample_mixture(int64_t n, Generator* gen, const Tensor& centres, double std) {
  const int64_t k = centres.size(0);
  Tensor modes = randint(0, k, {n}, DType::i64, gen);
  Tensor eps = randn({n, 2}, DType::f64, gen);
  const float* c = centres.data<float>();
  const int64_t* m = modes.data<int64_t>();
  const double* e = eps.data<double>();
  std::vector<double> xy(static_cast<size_t>(2 * n));
  for (int64_t i = 0; i < n; ++i)
    for (int d = 0; d < 2; ++d) xy[2 * i + d] = c[2 * m[i] + d] + std * e[2 * i + d];
  return {points_from(xy), modes, centres};
}

// Two classes alternating by index; class c's point from angle a = pi u.
template <class F>
Labelled two_class(int64_t n, Generator* gen, double noise, F point) {
  Tensor u = rand({n}, DType::f64, gen);
  Tensor eps = randn({n, 2}, DType::f64, gen);
  const double* a = u.data<double>();
  const double* e = eps.data<double>();
  Tensor labels = empty({n}, DType::i64);
  int64_t* l = labels.data<int64_t>();
  std::vector<double> xy(static_cast<size_t>(2 * n));
  for (int64_t i = 0; i < n; ++i) {
    l[i] = i % 2;
    const auto [x, y] = point(l[i], pi * a[i]);
    xy[2 * i] = x + noise * e[2 * i];
    xy[2 * i + 1] = y + noise * e[2 * i + 1];
  }
  return {points_from(xy), labels};
}

}  // namespace

Tensor ring_centres(const RingOptions& o) {
  if (o.modes < 1) throw_invalid("ring_centres", "expected modes >= 1, got " + std::to_string(o.modes));
  std::vector<double> xy;
  for (int64_t k = 0; k < o.modes; ++k) {
    const double a = 2 * pi * static_cast<double>(k) / static_cast<double>(o.modes);
    xy.push_back(o.radius * std::cos(a));
    xy.push_back(o.radius * std::sin(a));
  }
  return points_from(xy);
}

Mixture ring_gaussians(int64_t n, Generator* gen, const RingOptions& o) {
  check_n("ring_gaussians", n);
  check_nonnegative("ring_gaussians", "std", o.std);
  return sample_mixture(n, gen, ring_centres(o), o.std);
}

Tensor grid_centres(const GridOptions& o) {
  if (o.side < 1) throw_invalid("grid_centres", "expected side >= 1, got " + std::to_string(o.side));
  const double mid = static_cast<double>(o.side - 1) / 2;
  std::vector<double> xy;
  for (int64_t i = 0; i < o.side; ++i)
    for (int64_t j = 0; j < o.side; ++j) {
      xy.push_back(o.spacing * (static_cast<double>(i) - mid));
      xy.push_back(o.spacing * (static_cast<double>(j) - mid));
    }
  return points_from(xy);
}

Mixture grid_gaussians(int64_t n, Generator* gen, const GridOptions& o) {
  check_n("grid_gaussians", n);
  check_nonnegative("grid_gaussians", "std", o.std);
  return sample_mixture(n, gen, grid_centres(o), o.std);
}

Tensor swiss_roll(int64_t n, Generator* gen, const SwissRollOptions& o) {
  check_n("swiss_roll", n);
  check_nonnegative("swiss_roll", "noise", o.noise);
  Tensor u = rand({n}, DType::f64, gen);
  Tensor eps = randn({n, 2}, DType::f64, gen);
  const double* a = u.data<double>();
  const double* e = eps.data<double>();
  std::vector<double> xy(static_cast<size_t>(2 * n));
  for (int64_t i = 0; i < n; ++i) {
    const double t = 1.5 * pi * (1 + 2 * a[i]);
    xy[2 * i] = o.scale * (t * std::cos(t) + o.noise * e[2 * i]);
    xy[2 * i + 1] = o.scale * (t * std::sin(t) + o.noise * e[2 * i + 1]);
  }
  return points_from(xy);
}

Labelled two_moons(int64_t n, Generator* gen, const MoonsOptions& o) {
  check_n("two_moons", n);
  check_nonnegative("two_moons", "noise", o.noise);
  return two_class(n, gen, o.noise, [](int64_t label, double a) {
    return label == 0 ? std::pair{std::cos(a), std::sin(a)} : std::pair{1 - std::cos(a), 0.5 - std::sin(a)};
  });
}

Labelled circles(int64_t n, Generator* gen, const CirclesOptions& o) {
  check_n("circles", n);
  check_nonnegative("circles", "noise", o.noise);
  if (!(o.factor > 0 && o.factor < 1))
    throw_invalid("circles", "expected 0 < factor < 1, got " + std::to_string(o.factor));
  // a in [0, pi) doubled: the full circle.
  return two_class(n, gen, o.noise, [r = o.factor](int64_t label, double a) {
    const double radius = label == 0 ? 1.0 : r;
    return std::pair{radius * std::cos(2 * a), radius * std::sin(2 * a)};
  });
}

}  // namespace nabla::data
