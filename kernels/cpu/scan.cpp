#include "kernels/scan.h"

#include <cstdint>

#include "kernels/cpu/reduce_loop.h"

namespace nabla::kernels::cpu {

template <class T>
void cumsum(View<T> out, View<const T> in, bool reverse) {
  if (in.ndim == 0) {  // a 0-d tensor is its own running sum
    out.data[0] = in.data[0];
    return;
  }
  const int last = in.ndim - 1;
  const int64_t n = in.size[last], si = in.stride[last], so = out.stride[last];
  int64_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= in.size[d];
#pragma omp parallel for if (rows * n >= 2 * kParallelGrain && rows > 1) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const T* x = in.data + offset_of(in, last, r);
    T* y = out.data + offset_of(out, last, r);
    Acc<T> acc = 0;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t j = reverse ? n - 1 - k : k;
      acc += x[j * si];
      y[j * so] = static_cast<T>(acc);
    }
  }
}

template void cumsum<float>(View<float>, View<const float>, bool);
template void cumsum<double>(View<double>, View<const double>, bool);
template void cumsum<int64_t>(View<int64_t>, View<const int64_t>, bool);

}  // namespace nabla::kernels::cpu
