// GEMM over strided, batched views with Eigen (see kernels/linalg.h).
//
// Each product is cut into fixed 128 x 128 output tiles, and every tile runs
// Eigen's sequential GEMM kernel (general_matrix_matrix_product, the routine
// behind Eigen's operator* and its BLAS) with the full inner dimension. The
// tiles of all batch entries are split across OpenMP threads. Eigen's own
// threaded GEMM is not used: it re-blocks the inner dimension by thread
// count, which changes the rounding, while here each output element's sum
// depends only on k, so results are the same for any number of threads.
#include "kernels/linalg.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <vector>

namespace nabla::kernels::cpu {

namespace {

constexpr int64_t kTile = 128;   // output tile edge, in elements
constexpr int64_t kSmall = 64;    // m n k up to which a plain loop beats the GEMM kernel (measured)

// A matrix layout Eigen's kernel takes in place: row- or column-major with
// leading dimension ld.
struct Layout {
  bool expressible = false;
  bool row_major = true;
  int64_t ld = 1;
};

Layout layout_of(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  // A size-1 dim may carry any stride; it is never stepped along.
  if ((cols == 1 || cs == 1) && (rows == 1 || rs >= cols))
    return {true, true, rows == 1 ? std::max<int64_t>(cols, 1) : rs};
  if ((rows == 1 || rs == 1) && (cols == 1 || cs >= rows))
    return {true, false, cols == 1 ? std::max<int64_t>(rows, 1) : cs};
  return {};
}

template <class T>
Layout matrix_layout(const View<T>& v) {
  const int r = v.ndim - 2;
  return layout_of(v.size[r], v.size[r + 1], v.stride[r], v.stride[r + 1]);
}

// A contiguous copy of v (stride-0 batch dims stay broadcast) in `buffer`.
template <class T>
View<const T> pack(const View<const T>& v, std::vector<T>& buffer) {
  View<T> dst;
  dst.ndim = v.ndim;
  int64_t n = 1;
  for (int d = v.ndim - 1; d >= 0; --d) {
    const bool broadcast = v.stride[d] == 0 && d < v.ndim - 2;
    dst.size[d] = v.size[d];
    dst.stride[d] = broadcast ? 0 : n;
    if (!broadcast) n *= v.size[d];
  }
  buffer.resize(static_cast<size_t>(n));
  dst.data = buffer.data();
  const int64_t total = v.numel();
  for (int64_t i = 0; i < total; ++i) {  // odometer over v's elements
    int64_t src = 0, out = 0, rest = i;
    for (int d = v.ndim - 1; d >= 0; --d) {
      const int64_t j = rest % v.size[d];
      rest /= v.size[d];
      src += j * v.stride[d];
      out += j * dst.stride[d];
    }
    dst.data[out] = v.data[src];
  }
  return dst.as_const();
}

// c += a b for an m x n tile, all three in the given storage orders.
template <class T, int AOrder, int BOrder, int COrder>
void gemm_tile(int64_t m, int64_t n, int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc) {
  using Eigen::Dynamic;
  using Eigen::Index;
  Eigen::internal::gemm_blocking_space<COrder, T, T, Dynamic, Dynamic, Dynamic> blocking(m, n, k, 1, true);
  Eigen::internal::general_matrix_matrix_product<Index, T, AOrder, false, T, BOrder, false, COrder, 1>::run(
      m, n, k, a, lda, b, ldb, c, 1, ldc, T(1), blocking, nullptr);
}

template <class T>
using TileFn = void (*)(int64_t, int64_t, int64_t, const T*, int64_t, const T*, int64_t, T*, int64_t);

// The tile kernel for the three layouts.
template <class T>
TileFn<T> pick_tile_kernel(bool a_row, bool b_row, bool c_row) {
  constexpr int R = Eigen::RowMajor, C = Eigen::ColMajor;
  const int key = (a_row ? 4 : 0) | (b_row ? 2 : 0) | (c_row ? 1 : 0);
  switch (key) {
    case 0: return gemm_tile<T, C, C, C>;
    case 1: return gemm_tile<T, C, C, R>;
    case 2: return gemm_tile<T, C, R, C>;
    case 3: return gemm_tile<T, C, R, R>;
    case 4: return gemm_tile<T, R, C, C>;
    case 5: return gemm_tile<T, R, C, R>;
    case 6: return gemm_tile<T, R, R, C>;
    default: return gemm_tile<T, R, R, R>;
  }
}

// A strided matrix: element (i, j) at p[i * rs + j * cs].
template <class T>
struct Strided {
  T* p;
  int64_t rs, cs;
};

// o = a b by a plain loop (summing over l in order) for small products.
template <class T>
void small_product(Strided<T> o, Strided<const T> a, Strided<const T> b, int64_t m, int64_t n, int64_t k) {
  for (int64_t i = 0; i < m; ++i) {
    T* row = o.p + i * o.rs;
    for (int64_t j = 0; j < n; ++j) row[j * o.cs] = T(0);
    for (int64_t l = 0; l < k; ++l) {
      const T x = a.p[i * a.rs + l * a.cs];
      const T* brow = b.p + l * b.rs;
      if (o.cs == 1 && b.cs == 1) {
        for (int64_t j = 0; j < n; ++j) row[j] += x * brow[j];
      } else {
        for (int64_t j = 0; j < n; ++j) row[j * o.cs] += x * brow[j * b.cs];
      }
    }
  }
}

// Element offset of batch entry `flat` in view v (batch dims are the first nb).
template <class T>
int64_t batch_offset(const View<T>& v, const View<T>& shape_of, int nb, int64_t flat) {
  int64_t off = 0;
  for (int d = nb - 1; d >= 0; --d) {
    off += (flat % shape_of.size[d]) * v.stride[d];
    flat /= shape_of.size[d];
  }
  return off;
}

// out = a @ b where out has an expressible layout (a and b any).
template <class T>
void matmul_into(View<T> out, View<const T> a, View<const T> b) {
  const int nb = out.ndim - 2;
  const int64_t m = out.size[nb], n = out.size[nb + 1], k = a.size[nb + 1];
  int64_t batch = 1;
  for (int d = 0; d < nb; ++d) batch *= out.size[d];

  std::vector<T> a_buf, b_buf;
  Layout la = matrix_layout(a), lb = matrix_layout(b);
  if (!la.expressible) a = pack(a, a_buf), la = matrix_layout(a);
  if (!lb.expressible) b = pack(b, b_buf), lb = matrix_layout(b);
  const Layout lo = matrix_layout(out);
  const TileFn<T> tile = pick_tile_kernel<T>(la.row_major, lb.row_major, lo.row_major);
  View<const T> shape = out.as_const();

  const int64_t row_tiles = (m + kTile - 1) / kTile, col_tiles = (n + kTile - 1) / kTile;
  const int64_t tiles = batch * row_tiles * col_tiles;
  const bool parallel = tiles > 1 && batch * m * n * k >= (int64_t(1) << 18);
#pragma omp parallel for if (parallel) schedule(static)
  for (int64_t t = 0; t < tiles; ++t) {
    const int64_t i = t / (row_tiles * col_tiles);
    const int64_t r0 = (t / col_tiles) % row_tiles * kTile, c0 = t % col_tiles * kTile;
    const int64_t rows = std::min(kTile, m - r0), cols = std::min(kTile, n - c0);
    T* o = out.data + batch_offset(out.as_const(), shape, nb, i) + r0 * out.stride[nb] + c0 * out.stride[nb + 1];
    const T* pa = a.data + batch_offset(a, shape, nb, i) + r0 * a.stride[nb];
    const T* pb = b.data + batch_offset(b, shape, nb, i) + c0 * b.stride[nb + 1];
    if (rows * cols * k <= kSmall) {
      small_product<T>({o, out.stride[nb], out.stride[nb + 1]}, {pa, a.stride[nb], a.stride[nb + 1]},
                       {pb, b.stride[nb], b.stride[nb + 1]}, rows, cols, k);
      continue;
    }
    for (int64_t r = 0; r < rows; ++r)  // the GEMM kernel accumulates into its output
      for (int64_t c = 0; c < cols; ++c) o[r * out.stride[nb] + c * out.stride[nb + 1]] = T(0);
    tile(rows, cols, k, pa, la.ld, pb, lb.ld, o, lo.ld);
  }
}

}  // namespace

template <class T>
void matmul(View<T> out, View<const T> a, View<const T> b) {
  if (out.numel() == 0) return;
  if (matrix_layout(out).expressible) return matmul_into(out, a, b);
  // An output Eigen cannot write in place: compute contiguously, then scatter.
  View<T> tmp = out;
  std::vector<T> buffer(static_cast<size_t>(out.numel()));
  tmp.data = buffer.data();
  for (int64_t d = out.ndim - 1, s = 1; d >= 0; --d) tmp.stride[d] = s, s *= out.size[d];
  matmul_into(tmp, a, b);
  for (int64_t i = 0; i < out.numel(); ++i) {
    int64_t dst = 0, rest = i;
    for (int d = out.ndim - 1; d >= 0; --d) {
      dst += (rest % out.size[d]) * out.stride[d];
      rest /= out.size[d];
    }
    out.data[dst] = buffer[i];
  }
}

template void matmul<float>(View<float>, View<const float>, View<const float>);
template void matmul<double>(View<double>, View<const double>, View<const double>);

}  // namespace nabla::kernels::cpu
