// Batch norm's two-pass backward (see kernels/bn_backward.h). Built with
// -ffp-contract=off (kernels/CMakeLists.txt): every product and difference
// must be rounded on its own, as the composite's separate kernels round them.
#include "kernels/bn_backward.h"

#include <algorithm>
#include <vector>

#include "kernels/cpu/loop.h"

namespace nabla::kernels::cpu {

namespace {

// Channels per block: a block's sums are kept side by side, its rows read n
// by n (for [N, C] tensors, S = 1, neighbouring channels are adjacent).
constexpr int64_t kChannelBlock = 16;

template <class T>
struct ChannelSums {
  Acc<T> g = 0, gx = 0, gh = 0, ghx = 0;  // sums of g, g x_hat, g_hat, g_hat x_hat
};

template <class T>
void block_backward(T* gx, T* gw, T* gb, const T* g, const T* x, const T* w, const T* mean, const T* rstd, NCS sh,
                    int64_t c0, int64_t c1) {
  ChannelSums<T> sums[kChannelBlock];
  for (int64_t n = 0; n < sh.n; ++n)
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t o = (n * sh.c + c) * sh.s;
      const T m = mean[c], r = rstd[c];
      ChannelSums<T>& a = sums[c - c0];
      if (w) {
        const T wc = w[c];
        for (int64_t s = 0; s < sh.s; ++s) {
          const T xh = (x[o + s] - m) * r, gh = g[o + s] * wc;
          a.g += g[o + s], a.gx += g[o + s] * xh, a.gh += gh, a.ghx += gh * xh;
        }
      } else {
        for (int64_t s = 0; s < sh.s; ++s) {
          const T xh = (x[o + s] - m) * r;
          a.g += g[o + s], a.gx += g[o + s] * xh;
        }
      }
    }
  const T count = static_cast<T>(sh.n * sh.s);
  T m1[kChannelBlock], m2[kChannelBlock];
  for (int64_t c = c0; c < c1; ++c) {
    ChannelSums<T>& a = sums[c - c0];
    if (!w) a.gh = a.g, a.ghx = a.gx;
    m1[c - c0] = static_cast<T>(a.gh) / count;
    m2[c - c0] = static_cast<T>(a.ghx) / count;
    if (gw) gw[c] = static_cast<T>(a.gx);
    if (gb) gb[c] = static_cast<T>(a.g);
  }
  if (!gx) return;
  for (int64_t n = 0; n < sh.n; ++n)
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t o = (n * sh.c + c) * sh.s;
      const T m = mean[c], r = rstd[c], wc = w ? w[c] : T(1), a = m1[c - c0], b = m2[c - c0];
      for (int64_t s = 0; s < sh.s; ++s) {
        const T xh = (x[o + s] - m) * r, gh = w ? g[o + s] * wc : g[o + s];
        gx[o + s] = r * ((gh - a) - xh * b);
      }
    }
}

}  // namespace

template <class T>
void batch_norm_backward(T* gx, T* gw, T* gb, const T* g, const T* x, const T* w, const T* mean, const T* rstd,
                         NCS sh) {
  const int64_t blocks = (sh.c + kChannelBlock - 1) / kChannelBlock;
#pragma omp parallel for if (sh.n * sh.c * sh.s >= 2 * kParallelGrain && blocks > 1) schedule(static)
  for (int64_t b = 0; b < blocks; ++b)
    block_backward(gx, gw, gb, g, x, w, mean, rstd, sh, b * kChannelBlock, std::min(sh.c, (b + 1) * kChannelBlock));
}

#define NABLA_FLOAT(T) \
  template void batch_norm_backward<T>(T*, T*, T*, const T*, const T*, const T*, const T*, const T*, NCS);
NABLA_FLOAT(float)
NABLA_FLOAT(double)
#undef NABLA_FLOAT

}  // namespace nabla::kernels::cpu
