#include "kernels/reduce.h"

#include <cstdint>
#include <type_traits>

#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

namespace {
// Accumulate float sums in double: batch statistics and losses over large
// batches stay accurate, and results do not depend on the thread count.
template <class T>
using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;

// Calls f(offset) for every element of the trailing `nred` dims of `in`,
// starting from `base`, in row-major order.
template <class T, class F>
void for_each_reduced(const View<const T>& in, int first, int64_t base, F&& f) {
  const int nred = in.ndim - first;
  if (nred == 0) return f(base);
  int64_t idx[kMaxDims] = {};
  int64_t total = 1;
  for (int d = first; d < in.ndim; ++d) total *= in.size[d];
  int64_t off = base;
  for (int64_t k = 0; k < total; ++k) {
    f(off);
    for (int d = in.ndim - 1; d >= first; --d) {  // odometer step
      off += in.stride[d];
      if (++idx[d] < in.size[d]) break;
      off -= in.stride[d] * in.size[d];
      idx[d] = 0;
    }
  }
}
}  // namespace

template <class T>
void reduce(Reduce op, View<T> out, View<const T> in) {
  const int kept = out.ndim;
  const int64_t n_out = out.numel();
  int64_t n_red = 1;
  for (int d = kept; d < in.ndim; ++d) n_red *= in.size[d];
#pragma omp parallel for if (n_out * n_red >= 2 * kParallelGrain && n_out > 1) schedule(static)
  for (int64_t i = 0; i < n_out; ++i) {
    int64_t in_off = 0, out_off = 0, rest = i;
    for (int d = kept - 1; d >= 0; --d) {
      const int64_t j = rest % out.size[d];
      rest /= out.size[d];
      in_off += j * in.stride[d];
      out_off += j * out.stride[d];
    }
    switch (op) {
      case Reduce::sum: {
        Acc<T> acc = 0;
        for_each_reduced(in, kept, in_off, [&](int64_t o) { acc += in.data[o]; });
        out.data[out_off] = static_cast<T>(acc);
        break;
      }
    }
  }
}

template void reduce<float>(Reduce, View<float>, View<const float>);
template void reduce<double>(Reduce, View<double>, View<const double>);
template void reduce<int64_t>(Reduce, View<int64_t>, View<const int64_t>);

}  // namespace nabla::kernels::cpu
