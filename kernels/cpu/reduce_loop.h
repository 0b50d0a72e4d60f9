#pragma once
// The loop every CPU reduction runs: `in` has the kept dims first and the
// reduced dims last (see kernels/reduce.h). An accumulator type A supplies
//   void add(T x, int64_t k);    // k: position in the reduced range, row-major
//   void merge(const A& later);  // `later` covers the range after this one
// and the caller reads each output's accumulator through emit(i, acc), with i
// the output's row-major index over the kept dims.
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "kernels/cpu/loop.h"
#include "kernels/view.h"

namespace nabla::kernels::cpu {

// Below this many outputs a large reduction is split along its reduced range.
inline constexpr int64_t kFewOutputs = 8;
// Chunk length of that split; fixed, so results do not depend on thread count.
inline constexpr int64_t kReduceChunk = kParallelGrain;
// Outputs reduced side by side when the reduced dims are the sparse ones,
// or when each output reduces at least kInterleaveFrom elements.
inline constexpr int64_t kReduceTile = 16;
inline constexpr int64_t kInterleaveFrom = 4096;

// Calls f(offset, k) for positions k0 <= k < k1 of the reduced dims (those
// from `first` on) of `in`, starting from element offset `base`.
template <class T, class F>
void walk_reduced(const View<const T>& in, int first, int64_t base, int64_t k0, int64_t k1, F&& f) {
  if (k0 >= k1) return;
  const int last = in.ndim - 1;
  if (first > last) return f(base, int64_t{0});  // nothing reduced: the element itself
  int64_t idx[kMaxDims] = {};
  int64_t off = base, rest = k0;
  for (int d = last; d >= first; --d) {
    idx[d] = rest % in.size[d];
    rest /= in.size[d];
    off += idx[d] * in.stride[d];
  }
  const int64_t row = in.size[last], step = in.stride[last];
  for (int64_t k = k0; k < k1;) {
    const int64_t j0 = idx[last], len = row - j0 < k1 - k ? row - j0 : k1 - k;
    for (int64_t j = 0; j < len; ++j) f(off + j * step, k + j);
    k += len;
    off -= j0 * step;  // back to the row start, then an odometer step
    idx[last] = 0;
    for (int d = last - 1; d >= first; --d) {
      off += in.stride[d];
      if (++idx[d] < in.size[d]) break;
      off -= in.stride[d] * in.size[d];
      idx[d] = 0;
    }
  }
}

// Reduces outputs i0 .. i0 + len - 1, neighbours at `step` elements, together.
// For len == N, a constant, the unrolled accumulators can live in registers.
template <int64_t N, class T, class Make, class Emit>
void reduce_tile(const View<const T>& in, int kept, int64_t n_red, int64_t i0, int64_t len, int64_t step,
                 Make& make, Emit& emit) {
  using A = decltype(make(int64_t{0}));
  A acc[N];
  for (int64_t b = 0; b < len; ++b) acc[b] = make(i0 + b);
  const int64_t base = offset_of(in, kept, i0);
  if (len == N) {
    walk_reduced(in, kept, base, 0, n_red, [&](int64_t o, int64_t k) {
#pragma GCC unroll 16
      for (int64_t b = 0; b < N; ++b) acc[b].add(in.data[o + b * step], k);
    });
  } else {
    walk_reduced(in, kept, base, 0, n_red, [&](int64_t o, int64_t k) {
      for (int64_t b = 0; b < len; ++b) acc[b].add(in.data[o + b * step], k);
    });
  }
  for (int64_t b = 0; b < len; ++b) emit(i0 + b, acc[b]);
}

// Reduces every output of `in` (kept = number of kept dims) with a fresh
// accumulator make(i), then calls emit(i, acc).
template <class T, class Make, class Emit>
void reduce_outputs(const View<const T>& in, int kept, Make&& make, Emit&& emit) {
  int64_t n_out = 1, n_red = 1;
  for (int d = 0; d < kept; ++d) n_out *= in.size[d];
  for (int d = kept; d < in.ndim; ++d) n_red *= in.size[d];
  auto range = [&](auto& acc, int64_t base, int64_t k0, int64_t k1) {
    walk_reduced(in, kept, base, k0, k1, [&](int64_t o, int64_t k) { acc.add(in.data[o], k); });
  };
  if (n_out < kFewOutputs && n_red >= 2 * kReduceChunk) {
    const int64_t chunks = (n_red + kReduceChunk - 1) / kReduceChunk;
    for (int64_t i = 0; i < n_out; ++i) {
      const int64_t base = offset_of(in, kept, i);
      std::vector<decltype(make(i))> part(chunks, make(i));
#pragma omp parallel for schedule(static)
      for (int64_t c = 0; c < chunks; ++c)
        range(part[c], base, c * kReduceChunk, c + 1 < chunks ? (c + 1) * kReduceChunk : n_red);
      for (int64_t c = 1; c < chunks; ++c) part[0].merge(part[c]);
      emit(i, part[0]);
    }
    return;
  }
  const bool parallel = n_out * n_red >= 2 * kParallelGrain && n_out > 1;
  const bool denser_kept = std::abs(in.stride[kept > 0 ? kept - 1 : 0]) < std::abs(in.stride[in.ndim - 1]);
  if (kept > 0 && n_red > 1 && in.size[kept - 1] > 1 && (denser_kept || n_red >= kInterleaveFrom)) {
    // The innermost kept dim is the denser one (a reduction over leading
    // dims), or each output's range is long (a conv's bias gradient, sum
    // over {0, 2, 3}: one serial sum per output waits on each add): walk the
    // reduced range once per tile of kReduceTile neighbouring outputs,
    // reading them side by side. Each output still sees its elements in the
    // same order, so the results are the same bits.
    // (Outputs that make one tile, a conv's 16 channels: two half tiles, for two threads.)
    auto tiled = [&]<int64_t Width>() {
      const int64_t inner = in.size[kept - 1], step = in.stride[kept - 1];
      const int64_t per_row = (inner + Width - 1) / Width, tiles = n_out / inner * per_row;
#pragma omp parallel for if (parallel) schedule(static)
      for (int64_t t = 0; t < tiles; ++t) {
        const int64_t j0 = t % per_row * Width, i0 = t / per_row * inner + j0;
        const int64_t len = inner - j0 < Width ? inner - j0 : Width;
        reduce_tile<Width>(in, kept, n_red, i0, len, step, make, emit);
      }
    };
    if (parallel && n_out <= kReduceTile)
      tiled.template operator()<kReduceTile / 2>();
    else
      tiled.template operator()<kReduceTile>();
    return;
  }
#pragma omp parallel for if (parallel) schedule(static)
  for (int64_t i = 0; i < n_out; ++i) {
    auto acc = make(i);
    range(acc, offset_of(in, kept, i), 0, n_red);
    emit(i, acc);
  }
}

}  // namespace nabla::kernels::cpu
