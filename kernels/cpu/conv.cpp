// Convolution by im2col + GEMM (Eigen). Per group g, with K = C_in/groups kH kW
// and P = Ho Wo, one image's convolution is the matrix product
//   Y_g [C_out/groups, P] = W_g [C_out/groups, K] * col_g [K, P],
// its input gradient col_g = W_g^T G_g followed by col2im, and its weight
// gradient W_g' = sum_n G_ng col_ng^T.
//
// Forward and input gradient take the batch in blocks of a few images, one
// GEMM per block with the images' columns side by side, the blocks split
// across OpenMP threads (each thread owns its buffers; Eigen runs
// single-threaded inside; for a batch of one the region is off and Eigen may
// thread the one GEMM itself).
// The weight gradient sums over the batch: threads take fixed chunks of the
// batch, each gathering a few images into one wide column matrix per GEMM.
//
// This is the whole path for double, for float convs of column stride 1 and
// row stride > 1, and the *_im2col reference. Float convs of column stride > 1
// (see implicit_gemm_suits) take implicit GEMMs for the forward and weight
// gradient (conv_f32.cpp) and this code with the packed SGEMM (sgemm.h) for
// the input gradient (conv_lanes.cpp instead, on batches of at least
// kLaneImages); float convs of stride 1 (stride1_suits) take conv_s1.cpp for
// all three.
#include <Eigen/Core>
#include <algorithm>
#include <type_traits>
#include <vector>

#include "kernels/conv.h"
#include "kernels/cpu/chunk_sums.h"
#include "kernels/cpu/conv_f32.h"
#include "kernels/cpu/conv_s1.h"
#include "kernels/cpu/loop.h"
#include "kernels/cpu/sgemm.h"

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

// The sizes of one convolution: x [N, C_in, ., .], w [C_out, ., kH, kW] and
// output positions Ho x Wo (y for the forward, g for the input gradient).
struct Geometry {
  int64_t N, C_in, C_out, kH, kW, Ho, Wo, G, Co, K, P;
  template <class X, class Wt>
  Geometry(const View<X>& x, const View<Wt>& w, int64_t ho, int64_t wo, int64_t groups)
      : N(x.size[0]), C_in(x.size[1]), C_out(w.size[0]), kH(w.size[2]), kW(w.size[3]), Ho(ho), Wo(wo),
        G(groups), Co(C_out / G), K(w.size[1] * kH * kW), P(Ho * Wo) {}
};

// Images per block of the forward and input-gradient GEMMs: nb images side by
// side make one product with nb P columns instead of nb products with P (a
// small P, 49 for a 7x7 map, leaves Eigen's 24-row register panels part
// empty and repacks W for every image). Blocks are only made for small maps:
// enough images for kBlockColumns columns, at most kColBudget elements of
// column buffer, and at least kImageBlocks blocks to share among threads
// (the packed-SGEMM path: blocks balanced among threads, conv_f32.h); a
// map of kBlockColumns positions or more keeps one image per product (no
// copy through a buffer). The block size depends on the shapes only, so the
// bits do not depend on the thread count.
constexpr int64_t kBlockColumns = 256;
constexpr int64_t kImageBlocks = 8;

int64_t images_per_block(const Geometry& s, bool balanced) {
  const int64_t rows = s.C_in * s.kH * s.kW, P = std::max<int64_t>(s.P, 1);
  const int64_t wanted = (kBlockColumns + P - 1) / P;
  const int64_t budget = kColBudget / std::max<int64_t>(rows * P, 1);
  if (balanced) return balanced_images_per_block(s.N, std::min(wanted, budget));
  const int64_t share = (s.N + kImageBlocks - 1) / kImageBlocks;
  return std::max<int64_t>(1, std::min({wanted, budget, share}));
}

// Calls f(n0, nb, col, buf) for blocks of nb images n0 .. n0 + nb - 1, the
// blocks split across threads when the work is large; each thread owns its
// column buffer col [C_in kH kW, nb P] and its buffer buf [C_out, nb P]
// (column b P + i of both belongs to image n0 + b).
template <class T, class F>
void for_each_block(const Geometry& s, bool balanced, F&& f) {
  const int64_t block = images_per_block(s, balanced), blocks = (s.N + block - 1) / block;
  const bool parallel = blocks > 1 && s.N * s.C_out * s.P * s.K >= kParallelFlops;
#pragma omp parallel if (parallel)
  {
    std::vector<T> col(static_cast<size_t>(s.C_in * s.kH * s.kW * block * s.P));
    std::vector<T> buf(static_cast<size_t>(block > 1 ? s.C_out * block * s.P : 0));
#pragma omp for schedule(static)
    for (int64_t i = 0; i < blocks; ++i) {
      const int64_t n0 = i * block;
      f(n0, std::min(block, s.N - n0), col.data(), buf.data());
    }
  }
}
}  // namespace

namespace {
// The forward by im2col + Eigen's GEMM.
template <class T>
void forward_cols(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a) {
  const Geometry s(x, w, out.size[2], out.size[3], a.groups);
  const int64_t Co = s.Co, K = s.K, P = s.P;
  for_each_block<T>(s, false, [&](int64_t n0, int64_t nb, T* col, T* buf) {
    const int64_t ld = nb * P;
    for (int64_t b = 0; b < nb; ++b) im2col(col + b * P, ld, image(x, n0 + b), s.kH, s.kW, s.Ho, s.Wo, a);
    // One image: the product lands in out directly; more: in buf, then out.
    T* y = nb == 1 ? out.data + n0 * s.C_out * P : buf;
    for (int64_t g = 0; g < s.G; ++g) {
      MapM<T> yg(y + g * Co * ld, Co, ld, Eigen::OuterStride<>(ld));
      CMapM<T> wg(w.data + g * Co * K, Co, K, Eigen::OuterStride<>(K));
      CMapM<T> cg(col + g * K * ld, K, ld, Eigen::OuterStride<>(ld));
      yg.noalias() = wg * cg;
    }
    for (int64_t b = 0; b < nb; ++b) {
      T* yn = out.data + (n0 + b) * s.C_out * P;
      if (nb > 1)
        for (int64_t c = 0; c < s.C_out; ++c) std::copy(buf + c * ld + b * P, buf + c * ld + (b + 1) * P, yn + c * P);
      add_bias(yn, bias, s.C_out, P);
    }
  });
}
}  // namespace

template <class T>
void conv2d_forward_im2col(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a) {
  forward_cols(out, x, w, bias, a);
}

namespace {
// The input gradient by GEMM + col2im, the GEMM by Eigen or (f32) the packed SGEMM.
template <class T>
void backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias, const Conv2dArgs& a,
                    bool eigen) {
  const Geometry s(gx, w, g.size[2], g.size[3], a.groups);
  const int64_t Co = s.Co, K = s.K, P = s.P, HW = gx.size[2] * gx.size[3];
  std::vector<PackedA> packed_w;  // f32: W_g^T packed once for all image blocks
  if constexpr (std::is_same_v<T, float>)
    if (!eigen) packed_w = pack_weights(w, s.G, Co, K, true);
  for_each_block<T>(s, !eigen, [&](int64_t n0, int64_t nb, T* col, T* buf) {
    const int64_t ld = nb * P;
    // g of the block side by side (one image: read in place).
    const T* gb = g.data + n0 * g.stride[0];
    if (nb > 1) {
      for (int64_t b = 0; b < nb; ++b) {
        const T* src = g.data + (n0 + b) * g.stride[0];
        for (int64_t c = 0; c < s.C_out; ++c) std::copy(src + c * P, src + (c + 1) * P, buf + c * ld + b * P);
      }
      gb = buf;
    }
    for (int64_t k = 0; k < s.G; ++k) {
      if constexpr (std::is_same_v<T, float>) {
        if (!eigen) {
          auto pack_g = [&](float* dst, int64_t j0, int64_t cols, int64_t l0, int64_t kc) {
            sgemm_detail::pack_strided(dst, kSgemmNr, gb + k * Co * ld, 1, ld, j0, cols, l0, kc);
          };
          sgemm_packed(K, ld, Co, packed_w[k].packer(), pack_g, col + k * K * ld, ld, false);
          continue;
        }
      }
      CMapM<T> gg(gb + k * Co * ld, Co, ld, Eigen::OuterStride<>(ld));
      CMapM<T> wg(w.data + k * Co * K, Co, K, Eigen::OuterStride<>(K));
      MapM<T> cg(col + k * K * ld, K, ld, Eigen::OuterStride<>(ld));
      cg.noalias() = wg.transpose() * gg;
    }
    for (int64_t b = 0; b < nb; ++b) {
      View<T> xn = image(gx, n0 + b);
      std::fill(xn.data, xn.data + s.C_in * HW, T(0));
      col2im(xn, col + b * P, ld, s.kH, s.kW, s.Ho, s.Wo, a);
      add_bias(xn.data, bias, s.C_in, HW);
    }
  });
}

}  // namespace

template <class T>
void conv2d_backward_input(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                           const Conv2dArgs& a) {
  if constexpr (std::is_same_v<T, float>)
    if (stride1_suits(a)) return conv2d_backward_input_s1(gx, g, w, bias, a);
  if constexpr (std::is_same_v<T, float>)
    if (implicit_gemm_suits(a)) {
      const int64_t P = g.size[2] * g.size[3], cols = gx.size[1] * w.size[2] * w.size[3];  // col: [C_in kH kW, 8 P]
      if (lanes_suit(gx.size[0], P, gx.size[2] * gx.size[3], kLaneImages * P * std::max(cols, g.size[1])))
        return conv2d_backward_input_lanes(gx, g, w, bias, a);
    }
  backward_input(gx, g, w, bias, a, !(std::is_same_v<T, float> && implicit_gemm_suits(a)));
}

template <class T>
void conv2d_backward_input_im2col(View<T> gx, View<const T> g, View<const T> w, View<const T> bias,
                                  const Conv2dArgs& a) {
  backward_input(gx, g, w, bias, a, true);
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

// The batch is cut into a fixed number of chunks (whatever the thread count),
// each summed into its own partial gradient; the partials are then added in
// chunk order. Same inputs, same bits, on any number of threads.
template <class T>
void weight_cols(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a) {
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
  sum_chunks_in_order(gw.data, partial.data(), chunks, size, kParallelFlops);
}
}  // namespace

template <class T>
void conv2d_backward_weight_im2col(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a) {
  weight_cols(gw, x, g, a);
}

template <class T>
void conv2d_forward(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a) {
  if constexpr (std::is_same_v<T, float>)
    if (implicit_gemm_suits(a)) return conv2d_forward_f32(out, x, w, bias, a);
  if constexpr (std::is_same_v<T, float>)
    if (stride1_suits(a)) return conv2d_forward_s1(out, x, w, bias, a);
  forward_cols(out, x, w, bias, a);
}

template <class T>
void conv2d_backward_weight(View<T> gw, View<const T> x, View<const T> g, const Conv2dArgs& a) {
  if constexpr (std::is_same_v<T, float>)
    if (implicit_gemm_suits(a)) return conv2d_backward_weight_f32(gw, x, g, a);
  if constexpr (std::is_same_v<T, float>)
    if (stride1_suits(a)) return conv2d_backward_weight_s1(gw, x, g, a);
  weight_cols(gw, x, g, a);
}

#define NABLA_CONV_INSTANTIATE(T)                                                                         \
  template void conv2d_forward<T>(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&); \
  template void conv2d_backward_input<T>(View<T>, View<const T>, View<const T>, View<const T>,             \
                                         const Conv2dArgs&);                                               \
  template void conv2d_backward_weight<T>(View<T>, View<const T>, View<const T>, const Conv2dArgs&);            \
  template void conv2d_forward_im2col<T>(View<T>, View<const T>, View<const T>, View<const T>,               \
                                         const Conv2dArgs&);                                                 \
  template void conv2d_backward_input_im2col<T>(View<T>, View<const T>, View<const T>, View<const T>,        \
                                                const Conv2dArgs&);                                          \
  template void conv2d_backward_weight_im2col<T>(View<T>, View<const T>, View<const T>, const Conv2dArgs&);
NABLA_CONV_INSTANTIATE(float)
NABLA_CONV_INSTANTIATE(double)
#undef NABLA_CONV_INSTANTIATE

}  // namespace nabla::kernels::cpu
