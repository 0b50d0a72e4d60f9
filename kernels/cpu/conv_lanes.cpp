// f32 stride > 1 convolution forward and input gradient on image-interleaved
// blocks ("lanes"): a block of kLaneImages images is first copied into
// [C, H W, kLaneImages] order (image innermost), and the products take their
// columns in (output position, image) order. Then an entry of the forward's
// column matrix, B((c, tap), (pos, b)) = x[n0 + b, c, input of pos through
// tap], is for one (c, tap, pos) kLaneImages adjacent floats of the block:
// the packing of each 16-column panel copies two runs of 8 floats per row
// instead of gathering 16 single floats (conv_f32.cpp's ForwardPack), and
// col2im's gather-sum (kernels/cpu/im2col.cpp) adds 8 images' entries with
// one vector add.
//
// The same sums in the same order as conv_f32.cpp's forward and conv.cpp's
// input gradient (each output's inner sum runs over the same l in the same
// kSgemmKc blocks; col2im adds an element's entries in tap order from 0,
// then the bias): the same bits, whatever the block or thread count.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/cpu/conv_f32.h"
#include "kernels/cpu/sgemm.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace nabla::kernels::cpu {

namespace {

constexpr int64_t L = kLaneImages;
constexpr int64_t kParallelFlops = int64_t{1} << 20;
static_assert(kSgemmNr % L == 0);

// dst[j ds + i] = src[i ss + j] for i, j < 8: an 8 x 8 block transposed.
void transpose8(const float* src, int64_t ss, float* dst, int64_t ds) {
#if defined(__AVX2__)
  __m256 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * ss);
  for (int i = 0; i < 8; i += 2) t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]), t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  for (int h = 0; h < 8; h += 4) {
    r[h] = _mm256_shuffle_ps(t[h], t[h + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[h + 1] = _mm256_shuffle_ps(t[h], t[h + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[h + 2] = _mm256_shuffle_ps(t[h + 1], t[h + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[h + 3] = _mm256_shuffle_ps(t[h + 1], t[h + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    _mm256_storeu_ps(dst + i * ds, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
    _mm256_storeu_ps(dst + (i + 4) * ds, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
  }
#else
  for (int64_t i = 0; i < 8; ++i)
    for (int64_t j = 0; j < 8; ++j) dst[j * ds + i] = src[i * ss + j];
#endif
}

// dst[b ds + p] = lanes[p L + b] for b < nb, p < n: n positions of L lanes to nb rows.
void lanes_to_rows(const float* lanes, int64_t n, float* dst, int64_t ds, int64_t nb) {
  static_assert(L == 8);
  int64_t p = 0;
  if (nb == L)
    for (; p + 8 <= n; p += 8) transpose8(lanes + p * L, L, dst + p, ds);
  for (; p < n; ++p)
    for (int64_t b = 0; b < nb; ++b) dst[b * ds + p] = lanes[p * L + b];
}

// [C, H W, L] copy of images n0 .. n0 + nb - 1 of v [N, C, H, W] (any
// strides), lanes past nb zero; each channel plane is followed by L zeros
// (plane = H W L + L floats), the target of padding taps.
void interleave(float* dst, const View<const float>& v, int64_t n0, int64_t nb) {
  const int64_t C = v.size[1], H = v.size[2], W = v.size[3], plane = H * W * L + L;
  const bool dense = nb == L && v.stride[3] == 1 && v.stride[2] == W;
  for (int64_t c = 0; c < C; ++c) {
    float* d = dst + c * plane;
    if (dense) {  // 8 x 8 blocks (images x positions) transposed
      const float* src = v.data + n0 * v.stride[0] + c * v.stride[1];
      int64_t e = 0;
      for (; e + 8 <= H * W; e += 8) transpose8(src + e, v.stride[0], d + e * L, L);
      for (; e < H * W; ++e)
        for (int64_t b = 0; b < L; ++b) d[e * L + b] = src[b * v.stride[0] + e];
      std::fill(d + H * W * L, d + plane, 0.0f);
      continue;
    }
    for (int64_t b = 0; b < L; ++b) {
      if (b >= nb) {
        for (int64_t e = 0; e < H * W; ++e) d[e * L + b] = 0.0f;
        continue;
      }
      const float* src = v.data + (n0 + b) * v.stride[0] + c * v.stride[1];
      for (int64_t h = 0; h < H; ++h)
        for (int64_t w = 0; w < W; ++w) d[(h * W + w) * L + b] = src[h * v.stride[2] + w * v.stride[3]];
    }
    std::fill(d + H * W * L, d + plane, 0.0f);
  }
}

inline void copy_lanes(float* d, const float* src) {
#if defined(__AVX2__)
  _mm256_storeu_ps(d, _mm256_loadu_ps(src));
#else
  std::memcpy(d, src, L * sizeof(float));
#endif
}

// B((c, t), (pos, b)) = block[(g Cg + c) plane + off[t P + pos] + b]: the
// forward's panel, L adjacent floats per (row, position).
struct LanePack {
  const float* block;
  const int64_t* off;  // conv_offsets in the interleaved plane; padding -> H W L (the zeros)
  int64_t plane, taps, P, c0;
  void operator()(float* dst, int64_t j0, int64_t cols, int64_t l0, int64_t kc) const {
    const int64_t pos0 = j0 / L, npos = cols / L;  // ld = P L: cols is a multiple of L
    int64_t c = l0 / taps, t = l0 % taps;
    for (int64_t l = 0; l < kc; ++l) {
      float* d = dst + l * kSgemmNr;
      const float* xc = block + (c0 + c) * plane;
      const int64_t* o = off + t * P + pos0;
      for (int64_t p = 0; p < npos; ++p) copy_lanes(d + p * L, xc + o[p]);
      std::fill(d + cols, d + kSgemmNr, 0.0f);
      if (++t == taps) t = 0, ++c;
    }
  }
};

struct Sizes {
  int64_t N, C, H, W, HW, Cout, kH, kW, taps, Ho, Wo, P, G, Co, Cg, K;
  // x (forward input, input gradient output) [N, C, H, W]; w [Cout, C / G, kH, kW]; outputs Ho x Wo.
  template <class X>
  Sizes(const View<X>& x, const View<const float>& w, int64_t ho, int64_t wo, int64_t groups)
      : N(x.size[0]), C(x.size[1]), H(x.size[2]), W(x.size[3]), HW(H * W), Cout(w.size[0]), kH(w.size[2]),
        kW(w.size[3]), taps(kH * kW), Ho(ho), Wo(wo), P(ho * wo), G(groups), Co(Cout / groups), Cg(C / groups),
        K(C / groups * kH * kW) {}
  int64_t blocks() const { return (N + L - 1) / L; }
  int64_t plane() const { return HW * L + L; }
};

}  // namespace

void conv2d_forward_lanes(View<float> out, View<const float> x, View<const float> w, View<const float> bias,
                          const Conv2dArgs& a, Activation act) {
  const Sizes s(x, w, out.size[2], out.size[3], a.groups);
  std::vector<int64_t> off(static_cast<size_t>(s.taps * s.P));
  conv_offsets(off.data(), s.H, s.W, s.W * L, L, s.kH, s.kW, s.Ho, s.Wo, a);
  for (int64_t& o : off) o = o < 0 ? s.HW * L : o;
  const std::vector<PackedA> packed_w = pack_weights(w, s.G, s.Co, s.K, false);
  const int64_t ld = s.P * L, blocks = s.blocks();
  const bool parallel = blocks > 1 && s.N * s.Cout * s.P * s.K >= kParallelFlops;
#pragma omp parallel if (parallel)
  {
    float* const block = thread_scratch(0, s.C * s.plane());  // written whole by interleave
    float* const buf = thread_scratch(1, s.Cout * ld);         // by the products
#pragma omp for schedule(static)
    for (int64_t i = 0; i < blocks; ++i) {
      const int64_t n0 = i * L, nb = std::min(L, s.N - n0);
      interleave(block, x, n0, nb);
      for (int64_t g = 0; g < s.G; ++g)
        sgemm_packed(s.Co, ld, s.K, packed_w[g].packer(),
                     LanePack{block, off.data(), s.plane(), s.taps, s.P, g * s.Cg}, buf + g * s.Co * ld,
                     ld, false);
      float* y0 = out.data + n0 * s.Cout * s.P;
      for (int64_t o = 0; o < s.Cout; ++o) lanes_to_rows(buf + o * ld, s.P, y0 + o * s.P, s.Cout * s.P, nb);
      for (int64_t b = 0; b < nb; ++b) {
        float* yn = out.data + (n0 + b) * s.Cout * s.P;
        add_bias(yn, bias, s.Cout, s.P);
        if (act.kind != Act::identity) activate_(yn, s.Cout * s.P, act);
      }
    }
  }
}

namespace {

// col2im as a gather (kernels/cpu/im2col.cpp's col2im_table): for each
// element e of a channel, the column entries that read it, in tap order, as
// offsets t ld + pos L into the channel's rows: at rel[start[e] .. start[e + 1]).
struct Lists {
  std::vector<int64_t> start, rel;
};

Lists col2im_lists(const Sizes& s, const Conv2dArgs& a, int64_t ld) {
  std::vector<int64_t> reads(static_cast<size_t>(s.taps * s.P));
  conv_offsets(reads.data(), s.H, s.W, s.W, 1, s.kH, s.kW, s.Ho, s.Wo, a);
  Lists li;
  li.start.assign(static_cast<size_t>(s.HW + 1), 0);
  for (const int64_t e : reads)
    if (e >= 0) ++li.start[e + 1];
  for (int64_t e = 0; e < s.HW; ++e) li.start[e + 1] += li.start[e];
  li.rel.resize(static_cast<size_t>(li.start[s.HW]));
  std::vector<int64_t> next(li.start.begin(), li.start.end() - 1);
  for (int64_t t = 0; t < s.taps; ++t)
    for (int64_t p = 0; p < s.P; ++p)
      if (const int64_t e = reads[t * s.P + p]; e >= 0) li.rel[next[e]++] = t * ld + p * L;
  return li;
}

// gx[n0 + b, c, e] = (0 + the entries of element e in tap order) (+ bias[c]) for b < nb.
void col2im_lanes(float* gx, const float* col, const Lists& li, const Sizes& s, const View<const float>& bias,
                  int64_t ld, int64_t n0, int64_t nb) {
  float sums[8 * L];
  for (int64_t c = 0; c < s.C; ++c) {
    const float* cc = col + c * s.taps * ld;
    float* dst = gx + n0 * s.C * s.HW + c * s.HW;
    for (int64_t e0 = 0; e0 < s.HW; e0 += 8) {
      const int64_t n = std::min<int64_t>(8, s.HW - e0);
      for (int64_t e = 0; e < n; ++e) {
#if defined(__AVX2__)
        __m256 sum = _mm256_setzero_ps();
        for (int64_t k = li.start[e0 + e]; k < li.start[e0 + e + 1]; ++k)
          sum = _mm256_add_ps(sum, _mm256_loadu_ps(cc + li.rel[k]));
        _mm256_storeu_ps(sums + e * L, sum);
#else
        float* sum = sums + e * L;
        std::fill(sum, sum + L, 0.0f);
        for (int64_t k = li.start[e0 + e]; k < li.start[e0 + e + 1]; ++k)
          for (int64_t b = 0; b < L; ++b) sum[b] += cc[li.rel[k] + b];
#endif
      }
      lanes_to_rows(sums, n, dst + e0, s.C * s.HW, nb);
    }
    if (bias.data == nullptr) continue;
    const float bc = bias.data[c * bias.stride[0]];
    for (int64_t b = 0; b < nb; ++b)
      for (int64_t e = 0; e < s.HW; ++e) dst[b * s.C * s.HW + e] += bc;
  }
}

}  // namespace

void conv2d_backward_input_lanes(View<float> gx, View<const float> g, View<const float> w, View<const float> bias,
                                 const Conv2dArgs& a) {
  const Sizes s(gx, w, g.size[2], g.size[3], a.groups);
  const int64_t ld = s.P * L, blocks = s.blocks();
  const std::vector<PackedA> packed_w = pack_weights(w, s.G, s.Co, s.K, true);  // W_g^T
  const Lists li = col2im_lists(s, a, ld);
  const bool parallel = blocks > 1 && s.N * s.Cout * s.P * s.K >= kParallelFlops;
#pragma omp parallel if (parallel)
  {
    float* const gb = thread_scratch(0, s.Cout * ld);       // written whole below
    float* const col = thread_scratch(1, s.G * s.K * ld);   // by the products
#pragma omp for schedule(static)
    for (int64_t i = 0; i < blocks; ++i) {
      const int64_t n0 = i * L, nb = std::min(L, s.N - n0);
      // gb [Cout, P, L] = g of the block, image innermost (zero lanes past nb).
      for (int64_t o = 0; o < s.Cout; ++o)
        for (int64_t b = 0; b < L; ++b) {
          const float* src = g.data + (n0 + b) * g.stride[0] + o * s.P;
          float* d = gb + o * ld + b;
          if (b < nb)
            for (int64_t p = 0; p < s.P; ++p) d[p * L] = src[p];
          else
            for (int64_t p = 0; p < s.P; ++p) d[p * L] = 0.0f;
        }
      for (int64_t k = 0; k < s.G; ++k) {
        auto pack_g = [&](float* dst, int64_t j0, int64_t cols, int64_t l0, int64_t kc) {
          sgemm_detail::pack_strided(dst, kSgemmNr, gb + k * s.Co * ld, 1, ld, j0, cols, l0, kc);
        };
        sgemm_packed(s.K, ld, s.Co, packed_w[k].packer(), pack_g, col + k * s.K * ld, ld, false);
      }
      col2im_lanes(gx.data, col, li, s, bias, ld, n0, nb);
    }
  }
}

}  // namespace nabla::kernels::cpu
