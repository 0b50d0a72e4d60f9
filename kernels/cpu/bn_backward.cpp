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

// The sums of channels [c0, c1) over [N, C, S] tensors with S > 1, channel by
// channel (two side by side: eight independent chains of additions).
template <class T>
void sums_of_runs(ChannelSums<T>* sums, const T* g, const T* x, const T* w, const T* mean, const T* rstd, NCS sh,
                  int64_t c0, int64_t c1) {
  for (int64_t n = 0; n < sh.n; ++n) {
    int64_t c = c0;
    for (; c + 2 <= c1; c += 2) {
      const int64_t o = (n * sh.c + c) * sh.s, p = o + sh.s;
      const T m = mean[c], r = rstd[c], m1 = mean[c + 1], r1 = rstd[c + 1];
      ChannelSums<T> a = sums[c - c0], b = sums[c + 1 - c0];
      const T wc = w ? w[c] : T(1), w1 = w ? w[c + 1] : T(1);
      for (int64_t s = 0; s < sh.s; ++s) {
        const T xh = (x[o + s] - m) * r, xh1 = (x[p + s] - m1) * r1;
        a.g += g[o + s], a.gx += g[o + s] * xh, b.g += g[p + s], b.gx += g[p + s] * xh1;
        if (w) {
          const T gh = g[o + s] * wc, gh1 = g[p + s] * w1;
          a.gh += gh, a.ghx += gh * xh, b.gh += gh1, b.ghx += gh1 * xh1;
        }
      }
      sums[c - c0] = a, sums[c + 1 - c0] = b;
    }
    for (; c < c1; ++c) {
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
  }
}

// The same for S = 1 ([N, C]): the channels of a row are adjacent, summed
// as vectors across channels (each channel's sum still in n order).
template <class T>
void sums_of_rows(ChannelSums<T>* sums, const T* g, const T* x, const T* w, const T* mean, const T* rstd, NCS sh,
                  int64_t c0, int64_t c1) {
  const int64_t nc = c1 - c0;
  Acc<T> sg[kChannelBlock] = {}, sgx[kChannelBlock] = {}, sgh[kChannelBlock] = {}, sghx[kChannelBlock] = {};
  for (int64_t n = 0; n < sh.n; ++n) {
    const T *gr = g + n * sh.c + c0, *xr = x + n * sh.c + c0;
    if (w) {
      for (int64_t k = 0; k < nc; ++k) {
        const T xh = (xr[k] - mean[c0 + k]) * rstd[c0 + k], gh = gr[k] * w[c0 + k];
        sg[k] += gr[k], sgx[k] += gr[k] * xh, sgh[k] += gh, sghx[k] += gh * xh;
      }
    } else {
      for (int64_t k = 0; k < nc; ++k) {
        const T xh = (xr[k] - mean[c0 + k]) * rstd[c0 + k];
        sg[k] += gr[k], sgx[k] += gr[k] * xh;
      }
    }
  }
  for (int64_t k = 0; k < nc; ++k) sums[k].g = sg[k], sums[k].gx = sgx[k], sums[k].gh = sgh[k], sums[k].ghx = sghx[k];
}

template <class T>
void block_backward(T* gx, T* gw, T* gb, const T* g, const T* x, const T* w, const T* mean, const T* rstd, NCS sh,
                    int64_t c0, int64_t c1) {
  ChannelSums<T> sums[kChannelBlock];
  if (sh.s == 1) {
    sums_of_rows(sums, g, x, w, mean, rstd, sh, c0, c1);
  } else {
    sums_of_runs(sums, g, x, w, mean, rstd, sh, c0, c1);
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
    if (sh.n * sh.s == 1) {  // one value per channel: the composite's sum_to is that value (-0 stays -0), not 0 + it
      if (gw) gw[c] = g[c] * ((x[c] - mean[c]) * rstd[c]);
      if (gb) gb[c] = g[c];
    }
  }
  if (!gx) return;
  if (sh.s == 1) {  // [N, C]: the block's channels of a row are adjacent, one vector loop per row
    const int64_t nc = c1 - c0;
    T wk[kChannelBlock];
    for (int64_t k = 0; k < nc; ++k) wk[k] = w ? w[c0 + k] : T(1);
    for (int64_t n = 0; n < sh.n; ++n) {
      const T *gr = g + n * sh.c + c0, *xr = x + n * sh.c + c0;
      T* out = gx + n * sh.c + c0;
      if (w)
        for (int64_t k = 0; k < nc; ++k) {
          const T r = rstd[c0 + k], xh = (xr[k] - mean[c0 + k]) * r, gh = gr[k] * wk[k];
          out[k] = r * ((gh - m1[k]) - xh * m2[k]);
        }
      else
        for (int64_t k = 0; k < nc; ++k) {
          const T r = rstd[c0 + k], xh = (xr[k] - mean[c0 + k]) * r;
          out[k] = r * ((gr[k] - m1[k]) - xh * m2[k]);
        }
    }
    return;
  }
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
