// CPU indexing kernels, run by the strided loop of loop.h.
#include "kernels/index.h"

#include <cstdint>
#include <cstdlib>

#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

bool find_out_of_range(View<const int64_t> index, int64_t size, int64_t* bad) {
  const int64_t n = index.numel();
  int64_t pos[kMaxDims] = {};
  int64_t off = 0;
  for (int64_t k = 0; k < n; ++k) {
    const int64_t v = index.data[off];
    if (v < 0 || v >= size) {
      *bad = v;
      return true;
    }
    for (int d = index.ndim - 1; d >= 0; --d) {  // odometer step
      off += index.stride[d];
      if (++pos[d] < index.size[d]) break;
      off -= index.stride[d] * index.size[d];
      pos[d] = 0;
    }
  }
  return false;
}

template <class T>
void gather(View<T> out, View<const T> in, int dim, View<const int64_t> index) {
  if (out.numel() == 0) return;
  // `in` seen with out's sizes and stride 0 along dim: the index adds the rest.
  int64_t base_stride[kMaxDims] = {};
  for (int d = 0; d < out.ndim; ++d) base_stride[d] = d == dim ? 0 : in.stride[d];
  const int64_t step = in.stride[dim];
  auto L = make_loop<3>(out.ndim, out.size, {out.stride, index.stride, base_stride});
  run_loop(L, [&](const std::array<int64_t, 3>& off, const std::array<int64_t, 3>& st, int64_t n) {
    T* o = out.data + off[0];
    const int64_t* ix = index.data + off[1];
    const T* b = in.data + off[2];
    for (int64_t i = 0; i < n; ++i) o[i * st[0]] = b[i * st[2] + ix[i * st[1]] * step];
  });
}

template <class T>
void scatter_add(View<T> out, int dim, View<const int64_t> index, View<const T> src) {
  if (index.numel() == 0) return;
  const int64_t len = index.size[dim];
  const int64_t is = index.stride[dim], ss = src.stride[dim], os = out.stride[dim];
  // Iterate over the lines along dim (dim itself collapsed to size 1).
  int64_t lines[kMaxDims] = {};
  for (int d = 0; d < index.ndim; ++d) lines[d] = d == dim ? 1 : index.size[d];
  auto L = make_loop<3>(index.ndim, lines, {out.stride, index.stride, src.stride});
  run_loop(L, [&](const std::array<int64_t, 3>& off, const std::array<int64_t, 3>& st, int64_t n) {
    T* o = out.data + off[0];
    const int64_t* ix = index.data + off[1];
    const T* s = src.data + off[2];
    // Walk src in its memory order. Either way each line is summed in j order,
    // so the result does not depend on the choice.
    if (std::abs(st[2]) < std::abs(ss)) {  // lines side by side (index_add over rows)
      for (int64_t j = 0; j < len; ++j)
        for (int64_t k = 0; k < n; ++k) o[k * st[0] + ix[k * st[1] + j * is] * os] += s[k * st[2] + j * ss];
    } else {
      for (int64_t k = 0; k < n; ++k)
        for (int64_t j = 0; j < len; ++j) o[k * st[0] + ix[k * st[1] + j * is] * os] += s[k * st[2] + j * ss];
    }
  });
}

template <class T>
void flip(View<T> out, View<const T> in, uint32_t dims) {
  if (out.numel() == 0) return;
  View<const T> reversed = in;  // negative strides walk the flipped dims backwards
  for (int d = 0; d < in.ndim; ++d) {
    if (!((dims >> d) & 1u)) continue;
    reversed.data += (in.size[d] - 1) * in.stride[d];
    reversed.stride[d] = -in.stride[d];
  }
  map(out, [](T x) { return x; }, reversed);
}

template <class T>
void one_hot(View<T> out, View<const int64_t> index) {
  if (index.numel() == 0) return;
  const int64_t cs = out.stride[out.ndim - 1];
  auto L = make_loop<2>(index.ndim, index.size, {out.stride, index.stride});
  run_loop(L, [&](const std::array<int64_t, 2>& off, const std::array<int64_t, 2>& st, int64_t n) {
    for (int64_t i = 0; i < n; ++i) out.data[off[0] + i * st[0] + index.data[off[1] + i * st[1]] * cs] = T(1);
  });
}

#define NABLA_MOVE(T)                                                              \
  template void gather<T>(View<T>, View<const T>, int, View<const int64_t>);       \
  template void flip<T>(View<T>, View<const T>, uint32_t);                         \
  template void one_hot<T>(View<T>, View<const int64_t>);
#define NABLA_ADD(T) template void scatter_add<T>(View<T>, int, View<const int64_t>, View<const T>);
NABLA_MOVE(float)
NABLA_MOVE(double)
NABLA_MOVE(int64_t)
NABLA_MOVE(uint8_t)
NABLA_MOVE(bool)
NABLA_ADD(float)
NABLA_ADD(double)
NABLA_ADD(int64_t)
NABLA_ADD(uint8_t)
#undef NABLA_MOVE
#undef NABLA_ADD

}  // namespace nabla::kernels::cpu
