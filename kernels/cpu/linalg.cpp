// GEMM over strided, batched views with Eigen (see kernels/linalg.h).
//
// Threading: one large product uses Eigen's own OpenMP-parallel GEMM; a batch
// of products is split across OpenMP threads, one product per thread at a
// time (Eigen then runs serially inside the parallel region). Either way the
// reduction order of each output element does not depend on the thread count.
#include "kernels/linalg.h"

#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace nabla::kernels::cpu {

namespace {

template <class T, int Order>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Order>;
template <class T, int Order>
using ConstMap = Eigen::Map<const Mat<T, Order>, Eigen::Unaligned, Eigen::OuterStride<>>;
template <class T, int Order>
using MutMap = Eigen::Map<Mat<T, Order>, Eigen::Unaligned, Eigen::OuterStride<>>;

// How a rows x cols matrix with strides (rs, cs) can be handed to Eigen.
struct Layout {
  enum Kind { row_major, col_major, strided } kind;
  int64_t outer;  // Eigen's outer stride for the two mapped kinds
};

Layout layout_of(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  // A size-1 dim may carry any stride; it is never stepped along.
  if ((cols == 1 || cs == 1) && (rows == 1 || rs >= cols)) return {Layout::row_major, rows == 1 ? cols : rs};
  if ((rows == 1 || rs == 1) && (cols == 1 || cs >= rows)) return {Layout::col_major, cols == 1 ? rows : cs};
  return {Layout::strided, 0};
}

// A matrix operand: a row-major or column-major map, or a packed copy.
template <class T>
struct Operand {
  Layout layout;
  const T* data;
  int64_t rows, cols;
  std::vector<T> packed;  // row-major copy when the strides are not expressible

  Operand(const T* p, int64_t r, int64_t c, int64_t rs, int64_t cs) : data(p), rows(r), cols(c) {
    layout = layout_of(r, c, rs, cs);
    if (layout.kind != Layout::strided) return;
    packed.resize(static_cast<size_t>(r * c));
    for (int64_t i = 0; i < r; ++i)
      for (int64_t j = 0; j < c; ++j) packed[i * c + j] = p[i * rs + j * cs];
    data = packed.data();
    layout = {Layout::row_major, c};
  }
  template <int Order>
  ConstMap<T, Order> map() const {
    return ConstMap<T, Order>(data, rows, cols, Eigen::OuterStride<>(layout.outer));
  }
};

// dst = a @ b for Eigen expressions of any storage order.
template <class Dst, class T>
void gemm_into(Dst&& dst, const Operand<T>& a, const Operand<T>& b) {
  constexpr int R = Eigen::RowMajor, C = Eigen::ColMajor;
  const bool ar = a.layout.kind == Layout::row_major, br = b.layout.kind == Layout::row_major;
  if (ar && br) dst.noalias() = a.template map<R>() * b.template map<R>();
  else if (ar) dst.noalias() = a.template map<R>() * b.template map<C>();
  else if (br) dst.noalias() = a.template map<C>() * b.template map<R>();
  else dst.noalias() = a.template map<C>() * b.template map<C>();
}

// One product out = a @ b on 2-D strided matrices.
template <class T>
void gemm(T* out, int64_t m, int64_t n, int64_t ors, int64_t ocs, const Operand<T>& a, const Operand<T>& b) {
  const Layout lo = layout_of(m, n, ors, ocs);
  if (lo.kind == Layout::row_major) {
    gemm_into(MutMap<T, Eigen::RowMajor>(out, m, n, Eigen::OuterStride<>(lo.outer)), a, b);
  } else if (lo.kind == Layout::col_major) {
    gemm_into(MutMap<T, Eigen::ColMajor>(out, m, n, Eigen::OuterStride<>(lo.outer)), a, b);
  } else {
    Mat<T, Eigen::RowMajor> tmp(m, n);
    gemm_into(tmp, a, b);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) out[i * ors + j * ocs] = tmp(i, j);
  }
}

// Element offsets of batch index `flat` in each of the three views.
template <class T>
void batch_offsets(int64_t flat, int nb, const View<T>& out, const View<const T>& a, const View<const T>& b,
                   int64_t& oo, int64_t& ao, int64_t& bo) {
  oo = ao = bo = 0;
  for (int d = nb - 1; d >= 0; --d) {
    const int64_t i = flat % out.size[d];
    flat /= out.size[d];
    oo += i * out.stride[d];
    ao += i * a.stride[d];
    bo += i * b.stride[d];
  }
}

}  // namespace

template <class T>
void matmul(View<T> out, View<const T> a, View<const T> b) {
  const int nb = out.ndim - 2;
  const int64_t m = out.size[nb], n = out.size[nb + 1], k = a.size[nb + 1];
  int64_t batch = 1;
  for (int d = 0; d < nb; ++d) batch *= out.size[d];
  if (batch == 0 || m == 0 || n == 0) return;

  auto one = [&](int64_t i) {
    int64_t oo, ao, bo;
    batch_offsets(i, nb, out, a, b, oo, ao, bo);
    T* o = out.data + oo;
    if (k == 0) {
      for (int64_t r = 0; r < m; ++r)
        for (int64_t c = 0; c < n; ++c) o[r * out.stride[nb] + c * out.stride[nb + 1]] = T(0);
      return;
    }
    const Operand<T> A(a.data + ao, m, k, a.stride[nb], a.stride[nb + 1]);
    const Operand<T> B(b.data + bo, k, n, b.stride[nb], b.stride[nb + 1]);
    gemm(o, m, n, out.stride[nb], out.stride[nb + 1], A, B);
  };

  // Split a batch across threads once there is enough work to share.
  const bool parallel = batch > 1 && batch * m * n * k >= (int64_t(1) << 18);
#pragma omp parallel for if (parallel) schedule(static)
  for (int64_t i = 0; i < batch; ++i) one(i);
}

template void matmul<float>(View<float>, View<const float>, View<const float>);
template void matmul<double>(View<double>, View<const double>, View<const double>);

}  // namespace nabla::kernels::cpu
