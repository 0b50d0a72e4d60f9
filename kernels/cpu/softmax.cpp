#include "kernels/softmax.h"

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "kernels/cpu/reduce_loop.h"

namespace nabla::kernels::cpu {

namespace {
// One row: x with stride sx into y with stride sy, n elements.
template <class T>
void softmax_row(T* y, int64_t sy, const T* x, int64_t sx, int64_t n, bool log) {
  using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
  T m = x[0];
  for (int64_t j = 1; j < n; ++j)
    if (!(x[j * sx] <= m) && !std::isnan(m)) m = x[j * sx];
  Acc s = 0;
  if (log) {
    for (int64_t j = 0; j < n; ++j) s += std::exp(x[j * sx] - m);
    const T shift = m + static_cast<T>(std::log(s));
    for (int64_t j = 0; j < n; ++j) y[j * sy] = x[j * sx] - shift;
    return;
  }
  for (int64_t j = 0; j < n; ++j) {  // y holds the exps until the sum is known
    const T e = std::exp(x[j * sx] - m);
    y[j * sy] = e;
    s += e;
  }
  const T inv = static_cast<T>(1 / s);
  for (int64_t j = 0; j < n; ++j) y[j * sy] *= inv;
}
}  // namespace

template <class T>
void softmax(View<T> out, View<const T> in, bool log) {
  if (in.ndim == 0) return softmax_row(out.data, 1, in.data, 1, 1, log);
  const int last = in.ndim - 1;
  const int64_t n = in.size[last];
  int64_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= in.size[d];
  if (n == 0) return;
#pragma omp parallel for if (rows * n >= kParallelGrain && rows > 1) schedule(static)
  for (int64_t r = 0; r < rows; ++r)
    softmax_row(out.data + offset_of(out, last, r), out.stride[last], in.data + offset_of(in, last, r),
                in.stride[last], n, log);
}

template void softmax<float>(View<float>, View<const float>, bool);
template void softmax<double>(View<double>, View<const double>, bool);

}  // namespace nabla::kernels::cpu
