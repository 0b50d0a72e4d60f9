#pragma once
// Strided N-operand iteration shared by the CPU kernels.
//
// All operands have the same logical sizes (broadcast inputs carry stride 0).
// Dimensions that are contiguous across every operand are merged, so a
// contiguous elementwise op becomes one flat loop; the outer dimensions are
// walked row by row and split across OpenMP threads when the work is large.
#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "kernels/view.h"

namespace nabla::kernels::cpu {

inline constexpr int64_t kParallelGrain = 32768;  // elements per thread, at least

// The accumulator of a sum of T. Float sums run in double: batch statistics
// and losses over large batches stay accurate. Integers accumulate unsigned,
// so that overflow wraps (as in torch) instead of being undefined.
template <class T>
using Acc = std::conditional_t<std::is_same_v<T, float>, double,
                               std::conditional_t<std::is_same_v<T, int64_t>, uint64_t, T>>;

// Element offset in v of row-major index i over v's first `ndim` dims, taken
// with the sizes `sizes` (v's own by default; an operand broadcast along those
// dims reads with the output's sizes).
template <class T>
int64_t offset_of(const View<T>& v, int ndim, int64_t i, const int64_t* sizes = nullptr) {
  if (!sizes) sizes = v.size;
  int64_t off = 0;
  for (int d = ndim - 1; d >= 0; --d) {
    off += (i % sizes[d]) * v.stride[d];
    i /= sizes[d];
  }
  return off;
}

// Element offset in v of batch entry b, when v's last `tail` dims hold one
// matrix (or vector) of a batch: the batched linear algebra kernels.
template <class T>
int64_t batch_offset(const View<T>& v, int tail, int64_t b) {
  return offset_of(v, v.ndim - tail, b);
}

template <size_t N>
struct Loop {
  int ndim = 0;
  int64_t size[kMaxDims] = {};
  int64_t stride[N][kMaxDims] = {};
};

// Builds a loop over `sizes` with each operand's strides; drops size-1 dims and
// merges dims that are contiguous in every operand.
template <size_t N>
Loop<N> make_loop(int ndim, const int64_t* sizes, std::array<const int64_t*, N> strides) {
  Loop<N> L;
  for (int d = 0; d < ndim; ++d) {
    if (sizes[d] == 1) continue;
    bool merge = L.ndim > 0;
    for (size_t k = 0; k < N && merge; ++k)
      merge = strides[k][d] * sizes[d] == L.stride[k][L.ndim - 1];
    if (merge) {
      L.size[L.ndim - 1] *= sizes[d];
      for (size_t k = 0; k < N; ++k) L.stride[k][L.ndim - 1] = strides[k][d];
    } else {
      L.size[L.ndim] = sizes[d];
      for (size_t k = 0; k < N; ++k) L.stride[k][L.ndim] = strides[k][d];
      ++L.ndim;
    }
  }
  if (L.ndim == 0) {  // a single element
    L.ndim = 1;
    L.size[0] = 1;
  }
  return L;
}

// Calls inner(offsets, inner_strides, n) for every innermost row, where
// offsets[k] is operand k's element offset at the row's start.
template <size_t N, class Inner>
void run_loop(const Loop<N>& L, Inner&& inner) {
  const int last = L.ndim - 1;
  const int64_t row = L.size[last];
  int64_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= L.size[d];
  std::array<int64_t, N> inner_stride;
  for (size_t k = 0; k < N; ++k) inner_stride[k] = L.stride[k][last];

  if (rows == 1) {  // one flat row: split it into chunks
    const int64_t chunk = kParallelGrain;
    const int64_t chunks = (row + chunk - 1) / chunk;
#pragma omp parallel for if (chunks > 1) schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
      std::array<int64_t, N> off;
      for (size_t k = 0; k < N; ++k) off[k] = c * chunk * inner_stride[k];
      const int64_t n = (c + 1) * chunk < row ? chunk : row - c * chunk;
      inner(off, inner_stride, n);
    }
    return;
  }
  const bool parallel = rows * row >= 2 * kParallelGrain;
#pragma omp parallel for if (parallel) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    std::array<int64_t, N> off{};
    int64_t rest = r;
    for (int d = last - 1; d >= 0; --d) {
      const int64_t i = rest % L.size[d];
      rest /= L.size[d];
      for (size_t k = 0; k < N; ++k) off[k] += i * L.stride[k][d];
    }
    inner(off, inner_stride, row);
  }
}

// Elementwise map over views of the same sizes: out[i] = f(in0[i], in1[i], ...).
template <class Out, class F, class... In, size_t... K>
void map_impl(std::index_sequence<K...>, View<Out> out, F f, View<In>... in) {
  constexpr size_t N = 1 + sizeof...(In);
  auto L = make_loop<N>(out.ndim, out.size, {out.stride, in.stride...});
  run_loop(L, [&](const std::array<int64_t, N>& off, const std::array<int64_t, N>& st,
                  int64_t n) {
    Out* o = out.data + off[0];
    std::tuple<In*...> p{(in.data + off[K + 1])...};
    bool unit = st[0] == 1;
    for (size_t k = 1; k < N; ++k) unit = unit && st[k] == 1;
    if (unit) {  // contiguous rows: a loop the compiler can vectorise
      for (int64_t i = 0; i < n; ++i) o[i] = f(std::get<K>(p)[i]...);
    } else {
      for (int64_t i = 0; i < n; ++i) o[i * st[0]] = f(std::get<K>(p)[i * st[K + 1]]...);
    }
  });
}

template <class Out, class F, class... In>
void map(View<Out> out, F f, View<In>... in) {
  map_impl(std::index_sequence_for<In...>{}, out, f, in...);
}

}  // namespace nabla::kernels::cpu
