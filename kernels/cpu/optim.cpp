// The fused Adam update (see kernels/optim.h).
#include "kernels/optim.h"

#include <cmath>

#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

struct AdamConsts {
  double wd, w, b2, c2, bc2, eps, step;
};

// One row of n elements, element i of operand k at ptr_k[i * st[k]]. Each
// operation rounds to T exactly as one unfused elementwise op does
// (kernels/CMakeLists.txt compiles this file with -ffp-contract=off, so no
// a * b + c becomes an FMA). Decay and Low are template flags so that the
// unit-stride instance is a branch-free loop the compiler vectorises; IEEE
// sqrt and division round the same in vector and scalar form.
template <class T, bool Decay, bool Low, bool Unit>
void adam_row(T* p, T* m, T* s, const T* gr, const std::array<int64_t, 4>& st, int64_t n, const AdamConsts& k) {
  const T wd = static_cast<T>(k.wd), w = static_cast<T>(k.w), b2 = static_cast<T>(k.b2), c2 = static_cast<T>(k.c2);
  const T bc2 = static_cast<T>(k.bc2), eps = static_cast<T>(k.eps), step = static_cast<T>(k.step);
  const int64_t s0 = Unit ? 1 : st[0], s1 = Unit ? 1 : st[1], s2 = Unit ? 1 : st[2], s3 = Unit ? 1 : st[3];
  for (int64_t i = 0; i < n; ++i) {
    T pi = p[i * s0], mi = m[i * s1], si = s[i * s2];
    T g = gr[i * s3];
    if constexpr (Decay) g = static_cast<T>(g + static_cast<T>(pi * wd));
    const T diff = static_cast<T>(g - mi);
    if constexpr (Low)
      mi = static_cast<T>(mi + static_cast<T>(diff * w));
    else
      mi = static_cast<T>(g - static_cast<T>(diff * w));
    si = static_cast<T>(static_cast<T>(si * b2) + static_cast<T>(static_cast<T>(g * g) * c2));
    const T denom = static_cast<T>(static_cast<T>(std::sqrt(si) / bc2) + eps);
    pi = static_cast<T>(pi + static_cast<T>(static_cast<T>(mi / denom) * step));
    p[i * s0] = pi;
    m[i * s1] = mi;
    s[i * s2] = si;
  }
}

template <class T, bool Decay, bool Low>
void adam_rows(View<T> param, View<T> exp_avg, View<T> exp_avg_sq, View<const T> grad, const AdamConsts& k) {
  auto L = make_loop<4>(param.ndim, param.size, {param.stride, exp_avg.stride, exp_avg_sq.stride, grad.stride});
  run_loop(L, [&](const std::array<int64_t, 4>& off, const std::array<int64_t, 4>& st, int64_t n) {
    T* p = param.data + off[0];
    T* m = exp_avg.data + off[1];
    T* s = exp_avg_sq.data + off[2];
    const T* g = grad.data + off[3];
    if (st[0] == 1 && st[1] == 1 && st[2] == 1 && st[3] == 1)
      adam_row<T, Decay, Low, true>(p, m, s, g, st, n, k);
    else
      adam_row<T, Decay, Low, false>(p, m, s, g, st, n, k);
  });
}

template <class T>
void adam_step(View<T> param, View<T> exp_avg, View<T> exp_avg_sq, View<const T> grad, const AdamStep& a) {
  const bool decay = a.weight_decay != 0;
  const bool low = a.lerp_weight < 0.5;
  const AdamConsts k{a.weight_decay, low ? a.lerp_weight : 1 - a.lerp_weight, a.beta2, a.one_minus_beta2,
                     a.bias_correction2_sqrt, a.eps, a.neg_step_size};
  if (decay && low) return adam_rows<T, true, true>(param, exp_avg, exp_avg_sq, grad, k);
  if (decay) return adam_rows<T, true, false>(param, exp_avg, exp_avg_sq, grad, k);
  if (low) return adam_rows<T, false, true>(param, exp_avg, exp_avg_sq, grad, k);
  adam_rows<T, false, false>(param, exp_avg, exp_avg_sq, grad, k);
}

template void adam_step<float>(View<float>, View<float>, View<float>, View<const float>, const AdamStep&);
template void adam_step<double>(View<double>, View<double>, View<double>, View<const double>, const AdamStep&);

}  // namespace nabla::kernels::cpu
