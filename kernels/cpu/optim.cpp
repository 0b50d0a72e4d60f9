// The fused Adam update (see kernels/optim.h).
#include "kernels/optim.h"

#include <cmath>

#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

// Each operation rounds to T exactly as one unfused elementwise op does
// (kernels/CMakeLists.txt compiles this file with -ffp-contract=off, so no
// a * b + c becomes an FMA).
template <class T>
void adam_step(View<T> param, View<T> exp_avg, View<T> exp_avg_sq, View<const T> grad, const AdamStep& a) {
  const bool decay = a.weight_decay != 0;
  const bool low = a.lerp_weight < 0.5;
  const T wd = static_cast<T>(a.weight_decay);
  const T w = static_cast<T>(low ? a.lerp_weight : 1 - a.lerp_weight);
  const T b2 = static_cast<T>(a.beta2), c2 = static_cast<T>(a.one_minus_beta2);
  const T bc2 = static_cast<T>(a.bias_correction2_sqrt), eps = static_cast<T>(a.eps);
  const T step = static_cast<T>(a.neg_step_size);
  auto L = make_loop<4>(param.ndim, param.size, {param.stride, exp_avg.stride, exp_avg_sq.stride, grad.stride});
  run_loop(L, [&](const std::array<int64_t, 4>& off, const std::array<int64_t, 4>& st, int64_t n) {
    T* p = param.data + off[0];
    T* m = exp_avg.data + off[1];
    T* s = exp_avg_sq.data + off[2];
    const T* gr = grad.data + off[3];
    for (int64_t i = 0; i < n; ++i) {
      T& pi = p[i * st[0]];
      T& mi = m[i * st[1]];
      T& si = s[i * st[2]];
      T g = gr[i * st[3]];
      if (decay) g = static_cast<T>(g + static_cast<T>(pi * wd));
      const T diff = static_cast<T>(g - mi);
      mi = low ? static_cast<T>(mi + static_cast<T>(diff * w)) : static_cast<T>(g - static_cast<T>(diff * w));
      si = static_cast<T>(static_cast<T>(si * b2) + static_cast<T>(static_cast<T>(g * g) * c2));
      const T denom = static_cast<T>(static_cast<T>(std::sqrt(si) / bc2) + eps);
      pi = static_cast<T>(pi + static_cast<T>(static_cast<T>(mi / denom) * step));
    }
  });
}

template void adam_step<float>(View<float>, View<float>, View<float>, View<const float>, const AdamStep&);
template void adam_step<double>(View<double>, View<double>, View<double>, View<const double>, const AdamStep&);

}  // namespace nabla::kernels::cpu
