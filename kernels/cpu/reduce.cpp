// CPU reductions: one accumulator per op, run by reduce_outputs (reduce_loop.h).
#include "kernels/reduce.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/cpu/reduce_loop.h"

namespace nabla::kernels {

const char* name(Reduce op) {
  static const char* names[] = {"sum", "prod", "max", "min", "logsumexp", "norm", "var"};
  const auto i = static_cast<size_t>(op);
  return i < sizeof(names) / sizeof(names[0]) ? names[i] : "?";
}

namespace cpu {
namespace {

template <class T>
bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(x);
  else return false;
}

template <class T>
struct Sum {
  Acc<T> s = 0;
  void add(T x, int64_t) { s += x; }
  void merge(const Sum& o) { s += o.s; }
};

template <class T>
struct Prod {
  Acc<T> p = 1;
  void add(T x, int64_t) { p *= x; }
  void merge(const Prod& o) { p *= o.p; }
};

// The max (or min) alone, NaN propagating; starts from -inf (+inf), the
// lowest (highest) integer for integers.
template <class T, bool Max>
struct Bound {
  static constexpr T start() {
    using L = std::numeric_limits<T>;
    if constexpr (L::has_infinity) return Max ? -L::infinity() : L::infinity();
    else return Max ? L::lowest() : L::max();
  }
  T best = start();
  void add(T x, int64_t) {
    best = (Max ? x > best : x < best) || (is_nan(x) && !is_nan(best)) ? x : best;
  }
  void merge(const Bound& o) { add(o.best, 0); }
};

// The first maximum (or minimum) and its position; a NaN beats everything.
// Starts at (-inf, 0), so a range of -inf (or of the lowest integer) gives 0.
template <class T, bool Max>
struct Extremum {
  Bound<T, Max> bound;
  int64_t index = 0;
  bool beats(T x) const {
    return (Max ? x > bound.best : x < bound.best) || (is_nan(x) && !is_nan(bound.best));
  }
  void add(T x, int64_t k) {  // branch-free selects run faster here
    const bool take = beats(x);
    bound.best = take ? x : bound.best;
    index = take ? k : index;
  }
  void merge(const Extremum& o) {
    if (beats(o.bound.best)) bound.best = o.bound.best, index = o.index;
  }
};

// max |x|, NaN propagating (norm with p = inf).
template <class T>
struct AbsMax {
  T best = 0;
  void add(T x, int64_t) {
    const T a = std::abs(x);
    best = a > best || (is_nan(a) && !is_nan(best)) ? a : best;
  }
  void merge(const AbsMax& o) { add(o.best, 0); }
};

// sum |x|^p, with the cheap forms of p = 1 and p = 2.
template <class T>
struct PowSum {
  double p = 2;
  Acc<T> s = 0;
  void add(T x, int64_t) {
    if (p == 2) s += Acc<T>(x) * x;
    else if (p == 1) s += std::abs(x);
    else s += std::pow(std::abs(Acc<T>(x)), p);
  }
  void merge(const PowSum& o) { s += o.s; }
};

// sum exp(x - m) for a finite shift m (the range's max).
template <class T>
struct ShiftedExpSum {
  T m = 0;
  Acc<T> s = 0;
  void add(T x, int64_t) { s += std::exp(x - m); }
  void merge(const ShiftedExpSum& o) { s += o.s; }
};

// Sums of d = x - mean and d^2 about a first-pass mean: sum d is zero up to
// the mean's rounding error, and subtracting (sum d)^2 / n cancels that error.
struct Deviations {
  double mean = 0;
  double d = 0, d2 = 0;
  void add(double x, int64_t) {
    const double dx = x - mean;
    d += dx;
    d2 += dx * dx;
  }
  void merge(const Deviations& o) { d += o.d, d2 += o.d2; }
};

template <class T>
int64_t reduced_count(const View<const T>& in, int kept) {
  int64_t n = 1;
  for (int d = kept; d < in.ndim; ++d) n *= in.size[d];
  return n;
}

// out[i] = finish(i, acc) for accumulators made by make(i).
template <class T, class Make, class Finish>
void run(View<T> out, const View<const T>& in, Make&& make, Finish&& finish) {
  reduce_outputs(in, out.ndim, make, [&](int64_t i, const auto& acc) {
    out.data[offset_of(out, out.ndim, i)] = static_cast<T>(finish(i, acc));
  });
}

// Per-output values of a first pass (the max, the mean), kept in double.
template <class T, class A, class Get>
std::vector<Acc<T>> first_pass(const View<const T>& in, int kept, A init, Get get) {
  int64_t n_out = 1;
  for (int d = 0; d < kept; ++d) n_out *= in.size[d];
  std::vector<Acc<T>> v(n_out);
  reduce_outputs(in, kept, [&](int64_t) { return init; },
                 [&](int64_t i, const A& acc) { v[i] = get(acc); });
  return v;
}

template <class T>
void logsumexp(View<T> out, const View<const T>& in) {
  // The max of an empty range is -inf, and so is its logsumexp.
  const auto mx = first_pass(in, out.ndim, Bound<T, true>{}, [](const Bound<T, true>& a) { return a.best; });
  run(out, in, [&](int64_t i) { return ShiftedExpSum<T>{std::isfinite(mx[i]) ? T(mx[i]) : T(0)}; },
      [&](int64_t i, const ShiftedExpSum<T>& a) {
        // An infinite or NaN max is the answer (inf - inf would give NaN).
        return std::isfinite(mx[i]) ? mx[i] + std::log(a.s) : mx[i];
      });
}

template <class T>
void var(View<T> out, const View<const T>& in, double correction) {
  const double n = static_cast<double>(reduced_count(in, out.ndim));
  const auto mean = first_pass(in, out.ndim, Sum<T>{}, [n](const Sum<T>& a) { return a.s / n; });
  const double dof = n - correction > 0 ? n - correction : 0;  // 0: inf or NaN, as in torch
  run(out, in, [&](int64_t i) { return Deviations{double(mean[i])}; },
      [&](int64_t, const Deviations& a) { return (a.d2 - a.d * a.d / n) / dof; });
}

template <class T>
void norm(View<T> out, const View<const T>& in, double p) {
  if (std::isinf(p)) {
    run(out, in, [](int64_t) { return AbsMax<T>{}; }, [](int64_t, const AbsMax<T>& a) { return a.best; });
    return;
  }
  run(out, in, [p](int64_t) { return PowSum<T>{p}; }, [p](int64_t, const PowSum<T>& a) {
    return p == 1 ? a.s : p == 2 ? std::sqrt(a.s) : std::pow(a.s, 1 / p);
  });
}

[[noreturn]] void unsupported(Reduce op) {
  throw std::invalid_argument(std::string(name(op)) + ": no CPU kernel for integer element types");
}

}  // namespace

template <class T>
void reduce(Reduce op, View<T> out, View<const T> in, ReduceArgs args) {
  auto value = [](int64_t, const auto& a) { return a.best; };
  switch (op) {
    case Reduce::sum:
      return run(out, in, [](int64_t) { return Sum<T>{}; }, [](int64_t, const Sum<T>& a) { return a.s; });
    case Reduce::prod:
      return run(out, in, [](int64_t) { return Prod<T>{}; }, [](int64_t, const Prod<T>& a) { return a.p; });
    case Reduce::max: return run(out, in, [](int64_t) { return Bound<T, true>{}; }, value);
    case Reduce::min: return run(out, in, [](int64_t) { return Bound<T, false>{}; }, value);
    default: break;
  }
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case Reduce::logsumexp: return logsumexp(out, in);
      case Reduce::norm: return norm(out, in, args.p);
      case Reduce::var: return var(out, in, args.correction);
      default: break;
    }
  }
  unsupported(op);
}

template <class T>
void arg_reduce(Reduce op, View<int64_t> index, View<T> value, View<const T> in) {
  auto go = [&](auto init) {
    reduce_outputs(in, index.ndim, [&](int64_t) { return init; }, [&](int64_t i, const auto& a) {
      index.data[offset_of(index, index.ndim, i)] = a.index;
      value.data[offset_of(value, value.ndim, i)] = a.bound.best;
    });
  };
  if (op == Reduce::max) return go(Extremum<T, true>{});
  if (op == Reduce::min) return go(Extremum<T, false>{});
  throw std::invalid_argument(std::string("arg_reduce: expected max or min, got ") + name(op));
}

#define NABLA_INSTANTIATE(T)                                               \
  template void reduce<T>(Reduce, View<T>, View<const T>, ReduceArgs);     \
  template void arg_reduce<T>(Reduce, View<int64_t>, View<T>, View<const T>);
NABLA_INSTANTIATE(float)
NABLA_INSTANTIATE(double)
NABLA_INSTANTIATE(int64_t)
#undef NABLA_INSTANTIATE

}  // namespace cpu
}  // namespace nabla::kernels
