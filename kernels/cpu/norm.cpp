// CPU normalisation kernels: one group per output statistic, groups split
// across threads, each group's sums accumulated serially (deterministic).
#include "kernels/norm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

namespace {

// Calls f(offsets, strides, n) for every innermost row of L, serially, with
// each operand's offsets starting from `base`.
template <size_t N, class F>
void walk(const Loop<N>& L, std::array<int64_t, N> off, F&& f) {
  const int last = L.ndim - 1;
  int64_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= L.size[d];
  std::array<int64_t, N> st;
  for (size_t k = 0; k < N; ++k) st[k] = L.stride[k][last];
  int64_t idx[kMaxDims] = {};
  for (int64_t r = 0; r < rows; ++r) {
    f(off, st, L.size[last]);
    for (int d = last - 1; d >= 0; --d) {  // odometer step over the outer dims
      for (size_t k = 0; k < N; ++k) off[k] += L.stride[k][d];
      if (++idx[d] < L.size[d]) break;
      for (size_t k = 0; k < N; ++k) off[k] -= L.stride[k][d] * L.size[d];
      idx[d] = 0;
    }
  }
}
// y[i] = (x[i] - m) r (* w) (+ b), w and b one value or null: the general
// loop's operations, each rounded (no contraction into an FMA, which that
// loop, with its branches, does not get), in a loop the compiler vectorises.
template <class T>
__attribute__((optimize("fp-contract=off"))) void normalise_row(T* y, const T* x, int64_t n, T m, T r, const T* w,
                                                                const T* b) {
  const T wv = w ? *w : T(1), bv = b ? *b : T(0);
  if (w && b)
    for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) * r * wv + bv;
  else if (w)
    for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) * r * wv;
  else if (b)
    for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) * r + bv;
  else
    for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) * r;
}

// Eight adjacent groups over one reduced dim (batch norm of [N, C]: the
// groups are columns, rows xs / ys apart): sums, statistics and the
// normalised values as the per-group code computes them (same order, same
// roundings, no contraction), with the groups in vector lanes.
template <class T>
__attribute__((optimize("fp-contract=off"))) void adjacent_groups(const T* x, int64_t xs, T* y, int64_t ys,
                                                                  const T* w, const T* b, int64_t n, int64_t count,
                                                                  double eps, T* mt, T* r, Acc<T>* v) {
  constexpr int K = 8;
  Acc<T> s[K] = {}, ss[K] = {}, m[K];
  for (int64_t i = 0; i < n; ++i)
    for (int k = 0; k < K; ++k) s[k] += x[i * xs + k];
  for (int k = 0; k < K; ++k) m[k] = s[k] / static_cast<Acc<T>>(count);
  for (int64_t i = 0; i < n; ++i)
    for (int k = 0; k < K; ++k) {
      const Acc<T> c = x[i * xs + k] - m[k];
      ss[k] += c * c;
    }
  for (int k = 0; k < K; ++k) {
    v[k] = ss[k] / static_cast<Acc<T>>(count);
    mt[k] = static_cast<T>(m[k]);
    r[k] = static_cast<T>(Acc<T>(1) / std::sqrt(v[k] + static_cast<Acc<T>>(eps)));
  }
  for (int64_t i = 0; i < n; ++i)
    for (int k = 0; k < K; ++k) {
      T h = (x[i * xs + k] - mt[k]) * r[k];
      if (w) h *= w[k];
      if (b) h += b[k];
      y[i * ys + k] = h;
    }
}

}  // namespace

template <class T>
void norm_forward(View<T> out, View<T> mean, View<T> rstd, View<T> var, View<const T> in,
                  View<const T> weight, View<const T> bias, double eps, Activation act) {
  const int kept = mean.ndim;
  const int nred = in.ndim - kept;
  const int64_t groups = mean.numel();
  int64_t count = 1;
  for (int d = kept; d < in.ndim; ++d) count *= in.size[d];
  static const int64_t zero[kMaxDims] = {};
  const int64_t* wst = weight.data ? weight.stride + kept : zero;
  const int64_t* bst = bias.data ? bias.stride + kept : zero;
  const auto L = make_loop<4>(nred, in.size + kept, {in.stride + kept, out.stride + kept, wst, bst});

  // The normalising pass of group g, from its mean m and sum of squared deviations ss.
  auto finish_group = [&](int64_t g, Acc<T> m, Acc<T> ss) {
    const std::array<int64_t, 4> base{offset_of(in, kept, g), offset_of(out, kept, g, in.size),
                                      weight.data ? offset_of(weight, kept, g, in.size) : 0,
                                      bias.data ? offset_of(bias, kept, g, in.size) : 0};
    const Acc<T> v = ss / static_cast<Acc<T>>(count);
    const T mt = static_cast<T>(m);
    const T r = static_cast<T>(Acc<T>(1) / std::sqrt(v + static_cast<Acc<T>>(eps)));
    walk(L, base, [&](const auto& o, const auto& st, int64_t n) {
      const T* x = in.data + o[0];
      T* y = out.data + o[1];
      const T* w = weight.data ? weight.data + o[2] : nullptr;
      const T* b = bias.data ? bias.data + o[3] : nullptr;
      if (st[0] == 1 && st[1] == 1 && (!w || st[2] == 0) && (!b || st[3] == 0)) {
        // Contiguous rows, one weight and bias per row (batch norm): the same
        // operations, as a loop the compiler vectorises.
        normalise_row(y, x, n, mt, r, w, b);
        return;
      }
      for (int64_t i = 0; i < n; ++i) {
        T h = (x[i * st[0]] - mt) * r;
        if (w) h *= w[i * st[2]];
        if (b) h += b[i * st[3]];
        y[i * st[1]] = h;
      }
    });
    if (act.kind != Act::identity)
      walk(L, base, [&](const auto& o, const auto& st, int64_t n) { activate_strided_(out.data + o[1], n, st[1], act); });
    mean.data[offset_of(mean, kept, g)] = mt;
    rstd.data[offset_of(rstd, kept, g, mean.size)] = r;
    if (var.data) var.data[offset_of(var, kept, g, mean.size)] = static_cast<T>(v);
  };
  // The sums of kSideBySide groups run side by side (independent chains of
  // additions; each group's own order is unchanged): group g0 + k is group
  // g0 shifted by delta[k] (the walk covers only the reduced dims).
  constexpr int64_t kSideBySide = 8;
  // Whether groups g0 .. g0 + 7 are adjacent columns of one reduced dim (in, out, weight and bias).
  auto adjacent = [&](int64_t g0) {
    if (L.ndim != 1) return false;
    for (int64_t k = 1; k < kSideBySide; ++k) {
      if (offset_of(in, kept, g0 + k) - offset_of(in, kept, g0) != k) return false;
      if (offset_of(out, kept, g0 + k, in.size) - offset_of(out, kept, g0, in.size) != k) return false;
      if (weight.data && offset_of(weight, kept, g0 + k, in.size) - offset_of(weight, kept, g0, in.size) != k)
        return false;
      if (bias.data && offset_of(bias, kept, g0 + k, in.size) - offset_of(bias, kept, g0, in.size) != k) return false;
    }
    return (!weight.data || L.stride[2][0] == 0) && (!bias.data || L.stride[3][0] == 0);
  };
  const int64_t blocks = (groups + kSideBySide - 1) / kSideBySide;
#pragma omp parallel for if (groups > 1 && groups * count >= 2 * kParallelGrain) schedule(static)
  for (int64_t gb = 0; gb < blocks; ++gb) {
    const int64_t g0 = gb * kSideBySide, nk = std::min(kSideBySide, groups - g0);
    int64_t delta[kSideBySide] = {};
    for (int64_t k = 0; k < nk; ++k) delta[k] = offset_of(in, kept, g0 + k) - offset_of(in, kept, g0);
    if (nk == kSideBySide && adjacent(g0)) {
      const T* w = weight.data ? weight.data + offset_of(weight, kept, g0, in.size) : nullptr;
      const T* b = bias.data ? bias.data + offset_of(bias, kept, g0, in.size) : nullptr;
      T mt[kSideBySide], r[kSideBySide];
      Acc<T> v[kSideBySide];
      adjacent_groups(in.data + offset_of(in, kept, g0), L.stride[0][0], out.data + offset_of(out, kept, g0, in.size),
                      L.stride[1][0], w, b, L.size[0], count, eps, mt, r, v);
      for (int64_t k = 0; k < kSideBySide; ++k) {
        const int64_t g = g0 + k;
        if (act.kind != Act::identity)
          activate_strided_(out.data + offset_of(out, kept, g, in.size), L.size[0], L.stride[1][0], act);
        mean.data[offset_of(mean, kept, g)] = mt[k];
        rstd.data[offset_of(rstd, kept, g, mean.size)] = r[k];
        if (var.data) var.data[offset_of(var, kept, g, mean.size)] = static_cast<T>(v[k]);
      }
      continue;
    }
    const std::array<int64_t, 4> base0{offset_of(in, kept, g0), 0, 0, 0};
    Acc<T> s[kSideBySide] = {}, ss[kSideBySide] = {}, m[kSideBySide] = {};
    // Runs of kRun positions group by group: short serial chains that the
    // processor overlaps (a loop across the groups would be vectorised into gathers).
    constexpr int64_t kRun = 32;
    walk(L, base0, [&](const auto& o, const auto& st, int64_t n) {
      const T* x = in.data + o[0];
      for (int64_t i0 = 0; i0 < n; i0 += kRun) {
        const int64_t i1 = std::min(n, i0 + kRun);
        for (int64_t k = 0; k < nk; ++k) {
          Acc<T> a = s[k];
          for (int64_t i = i0; i < i1; ++i) a += x[delta[k] + i * st[0]];
          s[k] = a;
        }
      }
    });
    for (int64_t k = 0; k < nk; ++k) m[k] = s[k] / static_cast<Acc<T>>(count);
    walk(L, base0, [&](const auto& o, const auto& st, int64_t n) {
      const T* x = in.data + o[0];
      for (int64_t i0 = 0; i0 < n; i0 += kRun) {
        const int64_t i1 = std::min(n, i0 + kRun);
        for (int64_t k = 0; k < nk; ++k) {
          Acc<T> a = ss[k];
          for (int64_t i = i0; i < i1; ++i) {
            const Acc<T> c = x[delta[k] + i * st[0]] - m[k];
            a += c * c;
          }
          ss[k] = a;
        }
      }
    });
    for (int64_t k = 0; k < nk; ++k) finish_group(g0 + k, m[k], ss[k]);
  }
}
template <class T>
void scale_shift(View<T> out, View<const T> in, View<const T> scale, View<const T> shift) {
  map(out, [](T x, T a, T b) { return x * a + b; }, in, scale, shift);
}

#define NABLA_INSTANTIATE(T)                                                                          \
  template void norm_forward<T>(View<T>, View<T>, View<T>, View<T>, View<const T>, View<const T>, \
                                View<const T>, double, Activation);                               \
  template void scale_shift<T>(View<T>, View<const T>, View<const T>, View<const T>);
NABLA_INSTANTIATE(float)
NABLA_INSTANTIATE(double)
#undef NABLA_INSTANTIATE

}  // namespace nabla::kernels::cpu
