#include "kernels/softmax.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "kernels/cpu/reduce_loop.h"

namespace nabla::kernels::cpu {

namespace {
constexpr int64_t kTile = 32;  // rows done side by side when rows are the dense dim

// Softmax of `rows` rows of n elements: element j of row b is x[j * sx + b * rx]
// (out likewise). Loops run j outside, b inside, so neighbouring rows are read
// together when rx is the small stride; each row's arithmetic does not depend
// on how many rows run together.
template <class T>
void softmax_rows(T* y, int64_t sy, int64_t ry, const T* x, int64_t sx, int64_t rx, int64_t n, int64_t rows,
                  bool log) {
  T m[kTile];
  Acc<T> s[kTile];
  for (int64_t b = 0; b < rows; ++b) m[b] = x[b * rx], s[b] = 0;
  for (int64_t j = 1; j < n; ++j)
    for (int64_t b = 0; b < rows; ++b) {
      const T v = x[j * sx + b * rx];
      if (!(v <= m[b]) && !std::isnan(m[b])) m[b] = v;  // NaN propagates
    }
  if (log) {
    for (int64_t j = 0; j < n; ++j)
      for (int64_t b = 0; b < rows; ++b) s[b] += std::exp(x[j * sx + b * rx] - m[b]);
    T shift[kTile];
    for (int64_t b = 0; b < rows; ++b) shift[b] = m[b] + static_cast<T>(std::log(s[b]));
    for (int64_t j = 0; j < n; ++j)
      for (int64_t b = 0; b < rows; ++b) y[j * sy + b * ry] = x[j * sx + b * rx] - shift[b];
    return;
  }
  for (int64_t j = 0; j < n; ++j)  // y holds the exps until the sums are known
    for (int64_t b = 0; b < rows; ++b) {
      const T e = std::exp(x[j * sx + b * rx] - m[b]);
      y[j * sy + b * ry] = e;
      s[b] += e;
    }
  T inv[kTile];
  for (int64_t b = 0; b < rows; ++b) inv[b] = static_cast<T>(1 / s[b]);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t b = 0; b < rows; ++b) y[j * sy + b * ry] *= inv[b];
}
}  // namespace

template <class T>
void softmax(View<T> out, View<const T> in, bool log) {
  if (in.ndim == 0) return softmax_rows(out.data, 1, 1, in.data, 1, 1, 1, 1, log);
  const int last = in.ndim - 1;
  const int64_t n = in.size[last];
  int64_t rows = 1;
  for (int d = 0; d < last; ++d) rows *= in.size[d];
  if (n == 0 || rows == 0) return;
  // Tile along the innermost row dim when it is denser than the softmax dim.
  const bool tiled = last > 0 && in.size[last - 1] > 1 && std::abs(in.stride[last - 1]) < std::abs(in.stride[last]);
  const int64_t inner = tiled ? in.size[last - 1] : 1, tile = tiled ? kTile : 1;
  const int64_t per_row = (inner + tile - 1) / tile, tiles = rows / inner * per_row;
#pragma omp parallel for if (rows * n >= kParallelGrain && tiles > 1) schedule(static)
  for (int64_t t = 0; t < tiles; ++t) {
    const int64_t j0 = t % per_row * tile, r0 = t / per_row * inner + j0;
    const int64_t len = inner - j0 < tile ? inner - j0 : tile;
    softmax_rows(out.data + offset_of(out, last, r0), out.stride[last], tiled ? out.stride[last - 1] : 0,
                 in.data + offset_of(in, last, r0), in.stride[last], tiled ? in.stride[last - 1] : 0, n, len, log);
  }
}

template void softmax<float>(View<float>, View<const float>, bool);
template void softmax<double>(View<double>, View<const double>, bool);

}  // namespace nabla::kernels::cpu
