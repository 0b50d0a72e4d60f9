// Convolution by im2col + GEMM (Eigen). Per group g, with K = C_in/groups kH kW
// and P = Ho Wo, one image's convolution is the matrix product
//   Y_g [C_out/groups, P] = W_g [C_out/groups, K] * col_g [K, P],
// its input gradient col_g = W_g^T G_g followed by col2im, and its weight
// gradient W_g' = sum_n G_ng col_ng^T.
//
// Forward and input gradient split the batch across OpenMP threads (each
// thread owns its column buffer; Eigen then runs single-threaded inside).
// The weight gradient sums over the batch: it gathers blocks of images into
// one wide column matrix and accumulates block after block in a fixed order,
// letting Eigen thread each GEMM, so the result does not depend on scheduling.
#include <Eigen/Core>
#include <algorithm>
#include <vector>

#include "kernels/conv.h"

namespace nabla::kernels::cpu {

namespace {
template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using MapM = Eigen::Map<Mat<T>, 0, Eigen::OuterStride<>>;
template <class T>
using CMapM = Eigen::Map<const Mat<T>, 0, Eigen::OuterStride<>>;

constexpr int64_t kParallelFlops = int64_t{1} << 20;
constexpr int64_t kColBudget = int64_t{1} << 22;  // elements in the weight gradient's column buffer

// Image n of a 4-D view, as a 3-D view [C, H, W].
template <class T>
View<T> image(const View<T>& x, int64_t n) {
  View<T> v;
  v.data = x.data + n * x.stride[0];
  v.ndim = 3;
  for (int d = 0; d < 3; ++d) v.size[d] = x.size[d + 1], v.stride[d] = x.stride[d + 1];
  return v;
}

// Adds bias[c] to every element of channel c of the contiguous image y [C, P].
template <class T>
void add_bias(T* y, const View<const T>& bias, int64_t C, int64_t P) {
  if (bias.data == nullptr) return;
  for (int64_t c = 0; c < C; ++c) {
    const T b = bias.data[c * bias.stride[0]];
    for (int64_t i = 0; i < P; ++i) y[c * P + i] += b;
  }
}
}  // namespace

template <class T>
void conv2d_forward(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a) {
  const int64_t N = x.size[0], C_in = x.size[1], C_out = w.size[0];
  const int64_t kH = w.size[2], kW = w.size[3], Ho = out.size[2], Wo = out.size[3];
  const int64_t G = a.groups, Co = C_out / G, K = w.size[1] * kH * kW, P = Ho * Wo;
  const bool parallel = N > 1 && N * C_out * P * K >= kParallelFlops;
#pragma omp parallel if (parallel)
  {
    std::vector<T> col(static_cast<size_t>(C_in * kH * kW * P));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < N; ++n) {
      im2col(col.data(), P, image(x, n), kH, kW, Ho, Wo, a);
      T* y = out.data + n * C_out * P;
      for (int64_t g = 0; g < G; ++g) {
        MapM<T> yg(y + g * Co * P, Co, P, Eigen::OuterStride<>(P));
        CMapM<T> wg(w.data + g * Co * K, Co, K, Eigen::OuterStride<>(K));
        CMapM<T> cg(col.data() + g * K * P, K, P, Eigen::OuterStride<>(P));
        yg.noalias() = wg * cg;
      }
      add_bias(y, bias, C_out, P);
    }
  }
}

template <class T>
void conv2d_backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                           const Conv2dArgs& a) {
  const int64_t N = gx.size[0], C_in = gx.size[1], H = gx.size[2], W = gx.size[3];
  const int64_t C_out = w.size[0], kH = w.size[2], kW = w.size[3], Ho = g.size[2], Wo = g.size[3];
  const int64_t G = a.groups, Co = C_out / G, K = w.size[1] * kH * kW, P = Ho * Wo;
  const bool parallel = N > 1 && N * C_out * P * K >= kParallelFlops;
#pragma omp parallel if (parallel)
  {
    std::vector<T> col(static_cast<size_t>(C_in * kH * kW * P));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < N; ++n) {
      for (int64_t k = 0; k < G; ++k) {
        CMapM<T> gg(g.data + n * g.stride[0] + k * Co * P, Co, P, Eigen::OuterStride<>(P));
        CMapM<T> wg(w.data + k * Co * K, Co, K, Eigen::OuterStride<>(K));
        MapM<T> cg(col.data() + k * K * P, K, P, Eigen::OuterStride<>(P));
        cg.noalias() = wg.transpose() * gg;
      }
      View<T> xn = image(gx, n);
      T* xd = xn.data;
      std::fill(xd, xd + C_in * H * W, T(0));
      col2im(xn, col.data(), P, kH, kW, Ho, Wo, a);
      add_bias(xd, bias, C_in, H * W);
    }
  }
}

template <class T>
void conv2d_backward_weight(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a) {
  const int64_t N = x.size[0], C_in = x.size[1], C_out = gw.size[0];
  const int64_t kH = gw.size[2], kW = gw.size[3], Ho = g.size[2], Wo = g.size[3];
  const int64_t G = a.groups, Co = C_out / G, K = gw.size[1] * kH * kW, P = Ho * Wo;
  std::fill(gw.data, gw.data + C_out * K, T(0));
  if (N == 0 || P == 0) return;
  const int64_t rows = C_in * kH * kW;
  const int64_t block = std::clamp<int64_t>(kColBudget / std::max<int64_t>(rows * P, 1), 1, N);
  std::vector<T> col(static_cast<size_t>(rows * block * P));
  std::vector<T> gbuf(static_cast<size_t>(C_out * block * P));
  for (int64_t n0 = 0; n0 < N; n0 += block) {
    const int64_t nb = std::min(block, N - n0), ld = nb * P;
    // Gather: column b P + i of col and gbuf belongs to image n0 + b.
#pragma omp parallel for if (nb > 1 && nb * rows * P >= kParallelFlops / 16) schedule(static)
    for (int64_t b = 0; b < nb; ++b) {
      im2col(col.data() + b * P, ld, image(x, n0 + b), kH, kW, Ho, Wo, a);
      const T* src = g.data + (n0 + b) * g.stride[0];
      for (int64_t c = 0; c < C_out; ++c) std::copy(src + c * P, src + (c + 1) * P, gbuf.data() + c * ld + b * P);
    }
    for (int64_t k = 0; k < G; ++k) {
      MapM<T> wg(gw.data + k * Co * K, Co, K, Eigen::OuterStride<>(K));
      CMapM<T> gg(gbuf.data() + k * Co * ld, Co, ld, Eigen::OuterStride<>(ld));
      CMapM<T> cg(col.data() + k * K * ld, K, ld, Eigen::OuterStride<>(ld));
      wg.noalias() += gg * cg.transpose();
    }
  }
}

#define NABLA_CONV_INSTANTIATE(T)                                                                         \
  template void conv2d_forward<T>(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&); \
  template void conv2d_backward_input<T>(View<T>, View<const T>, View<const T>, View<const T>,             \
                                         const Conv2dArgs&);                                               \
  template void conv2d_backward_weight<T>(View<T>, View<const T>, View<const T>, const Conv2dArgs&);
NABLA_CONV_INSTANTIATE(float)
NABLA_CONV_INSTANTIATE(double)
#undef NABLA_CONV_INSTANTIATE

}  // namespace nabla::kernels::cpu
