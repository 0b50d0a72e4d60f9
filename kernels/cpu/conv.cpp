// Convolution by im2col + GEMM (Eigen). Per group g, with K = C_in/groups kH kW
// and P = Ho Wo, one image's convolution is the matrix product
//   Y_g [C_out/groups, P] = W_g [C_out/groups, K] * col_g [K, P],
// its input gradient col_g = W_g^T G_g followed by col2im, and its weight
// gradient W_g' = sum_n G_ng col_ng^T.
//
// Forward and input gradient split the batch across OpenMP threads (each
// thread owns its column buffer; Eigen runs single-threaded inside; for a
// batch of one the region is off and Eigen may thread the one GEMM itself).
// The weight gradient sums over the batch: threads take fixed chunks of the
// batch, each gathering a few images into one wide column matrix per GEMM.
#include <Eigen/Core>
#include <algorithm>
#include <vector>

#include "kernels/conv.h"
#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

namespace {
template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <class T>
using MapM = Eigen::Map<Mat<T>, 0, Eigen::OuterStride<>>;
template <class T>
using CMapM = Eigen::Map<const Mat<T>, 0, Eigen::OuterStride<>>;

constexpr int64_t kParallelFlops = int64_t{1} << 20;
constexpr int64_t kColBudget = int64_t{1} << 20;  // elements of a weight-gradient column buffer
constexpr int64_t kWeightChunks = 16;              // partial weight gradients summed in a fixed order

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

// The sizes of one convolution: x [N, C_in, ., .], w [C_out, ., kH, kW] and
// output positions Ho x Wo (y for the forward, g for the input gradient).
struct Geometry {
  int64_t N, C_in, C_out, kH, kW, Ho, Wo, G, Co, K, P;
  template <class X, class Wt>
  Geometry(const View<X>& x, const View<Wt>& w, int64_t ho, int64_t wo, int64_t groups)
      : N(x.size[0]), C_in(x.size[1]), C_out(w.size[0]), kH(w.size[2]), kW(w.size[3]), Ho(ho), Wo(wo),
        G(groups), Co(C_out / G), K(w.size[1] * kH * kW), P(Ho * Wo) {}
};

// Calls f(n, col) for every image n, the batch split across threads when the
// work is large; each thread owns its column buffer col [C_in kH kW, P].
template <class T, class F>
void for_each_image(const Geometry& s, F&& f) {
  const bool parallel = s.N > 1 && s.N * s.C_out * s.P * s.K >= kParallelFlops;
#pragma omp parallel if (parallel)
  {
    std::vector<T> col(static_cast<size_t>(s.C_in * s.kH * s.kW * s.P));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < s.N; ++n) f(n, col.data());
  }
}
}  // namespace

template <class T>
void conv2d_forward(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a) {
  const Geometry s(x, w, out.size[2], out.size[3], a.groups);
  const int64_t Co = s.Co, K = s.K, P = s.P;
  for_each_image<T>(s, [&](int64_t n, T* col) {
    im2col(col, P, image(x, n), s.kH, s.kW, s.Ho, s.Wo, a);
    T* y = out.data + n * s.C_out * P;
    for (int64_t g = 0; g < s.G; ++g) {
      MapM<T> yg(y + g * Co * P, Co, P, Eigen::OuterStride<>(P));
      CMapM<T> wg(w.data + g * Co * K, Co, K, Eigen::OuterStride<>(K));
      CMapM<T> cg(col + g * K * P, K, P, Eigen::OuterStride<>(P));
      yg.noalias() = wg * cg;
    }
    add_bias(y, bias, s.C_out, P);
  });
}

template <class T>
void conv2d_backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                           const Conv2dArgs& a) {
  const Geometry s(gx, w, g.size[2], g.size[3], a.groups);
  const int64_t Co = s.Co, K = s.K, P = s.P, HW = gx.size[2] * gx.size[3];
  for_each_image<T>(s, [&](int64_t n, T* col) {
    for (int64_t k = 0; k < s.G; ++k) {
      CMapM<T> gg(g.data + n * g.stride[0] + k * Co * P, Co, P, Eigen::OuterStride<>(P));
      CMapM<T> wg(w.data + k * Co * K, Co, K, Eigen::OuterStride<>(K));
      MapM<T> cg(col + k * K * P, K, P, Eigen::OuterStride<>(P));
      cg.noalias() = wg.transpose() * gg;
    }
    View<T> xn = image(gx, n);
    std::fill(xn.data, xn.data + s.C_in * HW, T(0));
    col2im(xn, col, P, s.kH, s.kW, s.Ho, s.Wo, a);
    add_bias(xn.data, bias, s.C_in, HW);
  });
}

namespace {
// acc [C_out, K] += the weight gradient of images n0 .. n0 + nb - 1, gathered
// side by side so that each group is one GEMM with inner size nb P:
// column b P + i of col and gbuf belongs to image n0 + b.
template <class T>
void accumulate_weight_grad(T* acc, const View<const T>& x, const View<const T>& g, int64_t n0, int64_t nb,
                            T* col, T* gbuf, int64_t kH, int64_t kW, const Conv2dArgs& a) {
  const int64_t C_out = g.size[1], Ho = g.size[2], Wo = g.size[3], P = Ho * Wo, ld = nb * P;
  const int64_t G = a.groups, Co = C_out / G, K = x.size[1] / G * kH * kW;
  for (int64_t b = 0; b < nb; ++b) {
    im2col(col + b * P, ld, image(x, n0 + b), kH, kW, Ho, Wo, a);
    const T* src = g.data + (n0 + b) * g.stride[0];
    for (int64_t c = 0; c < C_out; ++c) std::copy(src + c * P, src + (c + 1) * P, gbuf + c * ld + b * P);
  }
  for (int64_t k = 0; k < G; ++k) {
    MapM<T> wg(acc + k * Co * K, Co, K, Eigen::OuterStride<>(K));
    CMapM<T> gg(gbuf + k * Co * ld, Co, ld, Eigen::OuterStride<>(ld));
    CMapM<T> cg(col + k * K * ld, K, ld, Eigen::OuterStride<>(ld));
    wg.noalias() += gg * cg.transpose();
  }
}
}  // namespace

// The batch is cut into a fixed number of chunks (whatever the thread count),
// each summed into its own partial gradient; the partials are then added in
// chunk order. Same inputs, same bits, on any number of threads.
template <class T>
void conv2d_backward_weight(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a) {
  const int64_t N = x.size[0], C_in = x.size[1], C_out = gw.size[0];
  const int64_t kH = gw.size[2], kW = gw.size[3], P = g.size[2] * g.size[3];
  const int64_t size = C_out * gw.size[1] * kH * kW, rows = C_in * kH * kW;
  std::fill(gw.data, gw.data + size, T(0));
  if (N == 0 || P == 0) return;
  const int64_t chunks = std::min(N, kWeightChunks);
  const int64_t block = std::clamp<int64_t>(kColBudget / std::max<int64_t>(rows * P, 1), 1, (N + chunks - 1) / chunks);
  std::vector<T> partial(static_cast<size_t>(chunks > 1 ? chunks * size : 0));
  const bool parallel = chunks > 1 && N * C_out * P * rows / a.groups >= kParallelFlops;
#pragma omp parallel if (parallel)
  {
    std::vector<T> col(static_cast<size_t>(rows * block * P)), gbuf(static_cast<size_t>(C_out * block * P));
#pragma omp for schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
      T* acc = chunks > 1 ? partial.data() + c * size : gw.data;
      std::fill(acc, acc + size, T(0));
      const int64_t begin = c * N / chunks, end = (c + 1) * N / chunks;
      for (int64_t n0 = begin; n0 < end; n0 += block)
        accumulate_weight_grad(acc, x, g, n0, std::min(block, end - n0), col.data(), gbuf.data(), kH, kW, a);
    }
  }
  if (chunks == 1) return;
#pragma omp parallel for if (size * chunks >= kParallelFlops) schedule(static)
  for (int64_t i = 0; i < size; ++i) {
    Acc<T> sum = 0;
    for (int64_t c = 0; c < chunks; ++c) sum += partial[c * size + i];
    gw.data[i] = static_cast<T>(sum);
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
