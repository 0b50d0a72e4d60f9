// CPU loss kernels: bce is an elementwise map; the classification losses
// give each row (one sample, one spatial position) its own serial pass over
// the classes and split rows across threads.
#include "kernels/loss.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

namespace {

template <class T>
T softplus(T z) {
  return std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)));
}
}  // namespace

template <class T>
void bce_with_logits(View<T> out, View<const T> x, View<const T> t, View<const T> pos_weight) {
  if (!pos_weight.data)
    return map(out, [](T x, T t) { return std::max(x, T(0)) - x * t + std::log1p(std::exp(-std::abs(x))); }, x, t);
  map(out, [](T x, T t, T pw) { return (1 - t) * x + (1 + (pw - 1) * t) * softplus(-x); }, x, t, pos_weight);
}

template <class T>
void cross_entropy(View<T> loss, View<T> lse, View<const T> logits, View<const int64_t> target,
                   double label_smoothing) {
  const int nd = loss.ndim;
  const int64_t rows = loss.numel(), C = logits.size[nd], cs = logits.stride[nd];
  const Acc<T> e = label_smoothing;
#pragma omp parallel for if (rows > 1 && rows * C >= 2 * kParallelGrain) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = logits.data + offset_of(logits, nd, r, loss.size);
    T m = -std::numeric_limits<T>::infinity();
    Acc<T> total = 0;
    for (int64_t c = 0; c < C; ++c) {
      m = std::max(m, x[c * cs]);
      total += x[c * cs];
    }
    Acc<T> s = 0;
    for (int64_t c = 0; c < C; ++c) s += std::exp(static_cast<Acc<T>>(x[c * cs]) - m);
    const Acc<T> l = m + std::log(s);
    const int64_t t = target.data[offset_of(target, nd, r, loss.size)];
    const Acc<T> smooth = e > 0 ? e / C * total : Acc<T>(0);
    loss.data[offset_of(loss, nd, r)] = static_cast<T>(l - (1 - e) * x[t * cs] - smooth);
    lse.data[offset_of(lse, nd, r, loss.size)] = static_cast<T>(l);
  }
}

template <class T>
void nll(View<T> loss, View<const T> log_probs, View<const int64_t> target) {
  const int nd = loss.ndim;
  const int64_t rows = loss.numel(), cs = log_probs.stride[nd];
#pragma omp parallel for if (rows >= 2 * kParallelGrain) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t t = target.data[offset_of(target, nd, r, loss.size)];
    loss.data[offset_of(loss, nd, r)] = -log_probs.data[offset_of(log_probs, nd, r, loss.size) + t * cs];
  }
}

int64_t first_invalid_target(View<const int64_t> target, int64_t classes) {
  const int64_t n = target.numel();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t t = target.data[offset_of(target, target.ndim, i)];
    if (t < 0 || t >= classes) return i;
  }
  return -1;
}

#define NABLA_INSTANTIATE(T)                                                                             \
  template void bce_with_logits<T>(View<T>, View<const T>, View<const T>, View<const T>);                \
  template void cross_entropy<T>(View<T>, View<T>, View<const T>, View<const int64_t>, double);          \
  template void nll<T>(View<T>, View<const T>, View<const int64_t>);
NABLA_INSTANTIATE(float)
NABLA_INSTANTIATE(double)
#undef NABLA_INSTANTIATE

}  // namespace nabla::kernels::cpu
