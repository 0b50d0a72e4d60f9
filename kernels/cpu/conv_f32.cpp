// f32 convolution forward and weight gradient as implicit GEMMs: the
// products of kernels/cpu/conv.cpp (Y_g = W_g col_g, W_g' = sum_n G_ng
// col_ng^T) run on kernels/cpu/sgemm.h with the column matrix never stored:
// the packing of each KC x 16 panel gathers its entries straight from the
// image through a table of offsets (conv_offsets), so the image (L2-sized)
// is read instead of a column matrix of kH kW times its size.
//
// Forward: blocks of nb images side by side (one product with nb P columns;
// nb from the shapes only), split across threads. Weight gradient: the batch
// in a fixed number of chunks, one product per chunk and group with inner
// dimension (images of the chunk) x P, partial gradients summed in chunk
// order. Neither depends on the thread count.
#include "kernels/cpu/conv_f32.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/cpu/chunk_sums.h"
#include "kernels/cpu/sgemm.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace nabla::kernels::cpu {

namespace {

constexpr int64_t kParallelFlops = int64_t{1} << 20;
constexpr int64_t kBlockColumns = 256;  // columns wanted per forward product
constexpr int64_t kWeightChunks = 16;   // partial weight gradients summed in a fixed order

struct Geometry {
  int64_t N, C_in, C_out, kH, kW, taps, Ho, Wo, P, G, Co, Cg, K;
  Geometry(const View<const float>& x, int64_t c_out, int64_t kh, int64_t kw, int64_t ho, int64_t wo, int64_t groups)
      : N(x.size[0]), C_in(x.size[1]), C_out(c_out), kH(kh), kW(kw), taps(kh * kw), Ho(ho), Wo(wo), P(ho * wo),
        G(groups), Co(c_out / groups), Cg(x.size[1] / groups), K(x.size[1] / groups * kh * kw) {}
};

// The receptive fields of one channel (conv_offsets): off[t P + pos], and,
// when every offset fits in 32 bits, the same as int32 by tap (off32) and by
// position (by_pos[pos taps + t]) for the vector gathers.
struct Offsets {
  std::vector<int64_t> off;
  std::vector<int32_t> off32, by_pos;
};

Offsets offsets(const Geometry& s, const View<const float>& x, const Conv2dArgs& a) {
  Offsets o;
  o.off.resize(static_cast<size_t>(s.taps * s.P));
  conv_offsets(o.off.data(), x.size[2], x.size[3], x.stride[2], x.stride[3], s.kH, s.kW, s.Ho, s.Wo, a);
  const auto [lo, hi] = std::minmax_element(o.off.begin(), o.off.end());
  if (o.off.empty() || *lo < -1 || *hi > std::numeric_limits<int32_t>::max()) return o;
  o.off32.assign(o.off.begin(), o.off.end());
  o.by_pos.resize(o.off.size());
  for (int64_t t = 0; t < s.taps; ++t)
    for (int64_t p = 0; p < s.P; ++p) o.by_pos[p * s.taps + t] = o.off32[t * s.P + p];
  return o;
}

// d[j] = idx[j] < 0 ? 0 : base[idx[j]] for j < 16 (padding: idx -1).
inline void gather16(float* d, const float* base, const int32_t* idx) {
#if defined(__AVX2__)
  for (int h = 0; h < 16; h += 8) {
    const __m256i i = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(idx + h));
    const __m256 inside = _mm256_castsi256_ps(_mm256_cmpgt_epi32(i, _mm256_set1_epi32(-1)));
    _mm256_storeu_ps(d + h, _mm256_mask_i32gather_ps(_mm256_setzero_ps(), base, i, inside, 4));
  }
#else
  for (int j = 0; j < 16; ++j) d[j] = idx[j] < 0 ? 0.0f : base[idx[j]];
#endif
}

// A column position of a product over images n0, n0 + 1, ...: image b, output position pos.
struct Position {
  int64_t b, pos;
  void next(int64_t P) {
    if (++pos == P) pos = 0, ++b;
  }
};
Position position(int64_t q, int64_t P) { return {q / P, q % P}; }

// The forward's B panel: B(l, j) = x[n0 + b(j), g Cg + c(l), input of pos(j) through tap t(l)].
struct ForwardPack {
  const Geometry& s;
  const View<const float>& x;
  const Offsets& table;
  int64_t n0, g;
  void operator()(float* dst, int64_t j0, int64_t cols, int64_t l0, int64_t kc) const {
    static_assert(kSgemmNr == 16);
    const Position q0 = position(j0, s.P);
    if (cols == kSgemmNr && q0.pos + kSgemmNr <= s.P && !table.off32.empty()) {  // one image: a vector gather
      const float* xb = x.data + (n0 + q0.b) * x.stride[0] + g * s.Cg * x.stride[1];
      for (int64_t l = 0; l < kc; ++l) {
        const int64_t c = (l0 + l) / s.taps, t = (l0 + l) % s.taps;
        gather16(dst + l * kSgemmNr, xb + c * x.stride[1], table.off32.data() + t * s.P + q0.pos);
      }
      return;
    }
    const float* base[kSgemmNr];
    int64_t pos[kSgemmNr];
    Position q = position(j0, s.P);
    for (int64_t j = 0; j < cols; ++j, q.next(s.P))
      base[j] = x.data + (n0 + q.b) * x.stride[0] + g * s.Cg * x.stride[1], pos[j] = q.pos;
    for (int64_t l = 0; l < kc; ++l) {
      const int64_t c = (l0 + l) / s.taps, t = (l0 + l) % s.taps;
      const int64_t* off = table.off.data() + t * s.P;
      const int64_t coff = c * x.stride[1];
      float* d = dst + l * kSgemmNr;
      for (int64_t j = 0; j < cols; ++j) {
        const int64_t o = off[pos[j]];
        d[j] = o < 0 ? 0.0f : base[j][coff + o];
      }
      std::fill(d + cols, d + kSgemmNr, 0.0f);
    }
  }
};

}  // namespace

float* thread_scratch(int slot, int64_t n) {
  thread_local std::vector<float> buffers[4];
  std::vector<float>& v = buffers[slot];
  if (static_cast<int64_t>(v.size()) < n) v.resize(static_cast<size_t>(n));
  return v.data();
}

std::vector<PackedA> pack_weights(const View<const float>& w, int64_t G, int64_t Co, int64_t K, bool transposed) {
  // prepack_a's blocks, (pc, ic) at data + pc mpad + ic kc, packed in parallel when large (a copy: any order).
  const int64_t m = transposed ? K : Co, k = transposed ? Co : K;
  const int64_t is = transposed ? 1 : K, ls = transposed ? K : 1;
  const int64_t mb = (m + kSgemmMc - 1) / kSgemmMc, kb = (k + kSgemmKc - 1) / kSgemmKc;
  std::vector<PackedA> packed(static_cast<size_t>(G));
  for (PackedA& p : packed) {
    p.mpad = (m + kSgemmMr - 1) / kSgemmMr * kSgemmMr;
    p.data.resize(static_cast<size_t>(p.mpad * k));
  }
#pragma omp parallel for if (G * m * k >= (int64_t{1} << 16) && G * mb * kb > 1) schedule(static)
  for (int64_t b = 0; b < G * mb * kb; ++b) {
    const int64_t g = b / (mb * kb), pc = (b / mb) % kb * kSgemmKc, ic = b % mb * kSgemmMc;
    const int64_t kc = std::min(kSgemmKc, k - pc);
    sgemm_detail::pack_block_a(packed[g].data.data() + pc * packed[g].mpad + ic * kc, w.data + g * Co * K, is, ls,
                               ic, std::min(kSgemmMc, m - ic), pc, kc);
  }
  return packed;
}

void conv2d_forward_f32(View<float> out, View<const float> x, View<const float> w, View<const float> bias,
                        const Conv2dArgs& a, Activation act) {
  const Geometry s(x, w.size[0], w.size[2], w.size[3], out.size[2], out.size[3], a.groups);
  const int64_t HW = x.size[2] * x.size[3];
  if (lanes_suit(s.N, s.P, HW, kLaneImages * std::max(s.C_in * (HW + 1), s.C_out * s.P)))
    return conv2d_forward_lanes(out, x, w, bias, a, act);
  const Offsets table = offsets(s, x, a);
  const int64_t P = std::max<int64_t>(s.P, 1);
  const int64_t block = balanced_images_per_block(s.N, (kBlockColumns + P - 1) / P);
  const int64_t blocks = (s.N + block - 1) / block;
  const bool parallel = blocks > 1 && s.N * s.C_out * s.P * s.K >= kParallelFlops;
  const std::vector<PackedA> packed_w = pack_weights(w, s.G, s.Co, s.K, false);
#pragma omp parallel if (parallel)
  {
    std::vector<float> buf(static_cast<size_t>(block > 1 ? s.C_out * block * s.P : 0));
#pragma omp for schedule(static)
    for (int64_t i = 0; i < blocks; ++i) {
      const int64_t n0 = i * block, nb = std::min(block, s.N - n0), ld = nb * s.P;
      // One image: the product lands in out directly; more: in buf, then out.
      float* y = nb == 1 ? out.data + n0 * s.C_out * s.P : buf.data();
      for (int64_t g = 0; g < s.G; ++g)
        sgemm_packed(s.Co, ld, s.K, packed_w[g].packer(), ForwardPack{s, x, table, n0, g}, y + g * s.Co * ld, ld,
                     false);
      for (int64_t b = 0; b < nb; ++b) {
        float* yn = out.data + (n0 + b) * s.C_out * s.P;
        if (nb > 1)
          for (int64_t c = 0; c < s.C_out; ++c)
            std::copy(buf.data() + c * ld + b * s.P, buf.data() + c * ld + (b + 1) * s.P, yn + c * s.P);
        add_bias(yn, bias, s.C_out, s.P);
        if (act.kind != Act::identity) activate_(yn, s.C_out * s.P, act);
      }
    }
  }
}

namespace {

// The weight gradient's operands over images n0 .. : inner position l = (image b, output position pos).
// A(o, l) = g[n0 + b, gr Co + o, pos].
struct GradPack {
  const Geometry& s;
  const float* g;  // contiguous [N, C_out, P]
  int64_t n0, gr;
  const float* operator()(float* dst, int64_t i0, int64_t rows, int64_t l0, int64_t kc) const {
    for (int64_t i = 0; i < rows; i += kSgemmMr)
      panel(dst + i * kc, i0 + i, std::min(kSgemmMr, rows - i), l0, kc);
    return dst;
  }
  void panel(float* dst, int64_t i0, int64_t rows, int64_t l0, int64_t kc) const {
    for (int64_t r = 0; r < kSgemmMr; ++r) {  // along each row of g, an image's run at a time: contiguous reads
      if (r >= rows) {
        for (int64_t l = 0; l < kc; ++l) dst[l * kSgemmMr + r] = 0.0f;
        continue;
      }
      const float* base = g + (gr * s.Co + i0 + r) * s.P;
      Position q = position(l0, s.P);
      for (int64_t l = 0; l < kc; ++q.b, q.pos = 0) {
        const float* src = base + (n0 + q.b) * s.C_out * s.P;
        const int64_t run = std::min(s.P - q.pos, kc - l);
        float* d = dst + l * kSgemmMr + r;
        for (int64_t p = 0; p < run; ++p) d[p * kSgemmMr] = src[q.pos + p];
        l += run;
      }
    }
  }
};

// The images of a weight-gradient chunk copied into zero-padded frames
// [images, C_in, Hf, Wf] (input (r, c) at frame (r + ph, c + pw)), so that
// the kW taps of a kernel row read kW adjacent floats: for dilation 1 along
// the columns, kW dividing 16 and a multiple of 16 taps, each row of
// ColumnPack's 16-column panel is 16 / kW copies instead of a 16-lane gather.
struct Frames {
  int64_t Hf = 0, Wf = 0;
  std::vector<float> data;
  static bool suit(const Geometry& s, const Conv2dArgs& a) {
    return a.dilation[1] == 1 && kSgemmNr % s.kW == 0 && s.taps % kSgemmNr == 0 && a.padding[0] >= 0 &&
           a.padding[1] >= 0;
  }
  Frames(const Geometry& s, const View<const float>& x, const Conv2dArgs& a, int64_t images)
      : Hf(std::max(x.size[2] + 2 * a.padding[0], (s.Ho - 1) * a.stride[0] + (s.kH - 1) * a.dilation[0] + 1)),
        Wf(std::max(x.size[3] + 2 * a.padding[1], (s.Wo - 1) * a.stride[1] + s.kW)),
        data(static_cast<size_t>(images * s.C_in * Hf * Wf), 0.0f) {}
  // Fills the frames with images n0 .. n0 + nb - 1 of x (the borders stay zero).
  void fill(const View<const float>& x, const Conv2dArgs& a, int64_t n0, int64_t nb) {
    const int64_t C = x.size[1], H = x.size[2], W = x.size[3];
    for (int64_t b = 0; b < nb; ++b)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t h = 0; h < H; ++h) {
          const float* src = x.data + (n0 + b) * x.stride[0] + c * x.stride[1] + h * x.stride[2];
          float* d = data.data() + ((b * C + c) * Hf + h + a.padding[0]) * Wf + a.padding[1];
          for (int64_t w = 0; w < W; ++w) d[w] = src[w * x.stride[3]];
        }
  }
};

// B(l, j) = x[n0 + b(l), gr Cg + c(j), input of pos(l) through tap t(j)].
struct ColumnPack {
  const Geometry& s;
  const View<const float>& x;
  const Offsets& table;
  int64_t n0, gr;
  const Frames* frames;  // or null
  const Conv2dArgs& a;
  void operator()(float* dst, int64_t j0, int64_t cols, int64_t l0, int64_t kc) const {
    const int64_t t0 = j0 % s.taps;
    if (frames != nullptr && cols == kSgemmNr) return from_frames(dst, j0, l0, kc);
    if (cols == kSgemmNr && t0 + kSgemmNr <= s.taps && !table.by_pos.empty()) {  // taps of one channel: a vector gather
      const int64_t coff = (gr * s.Cg + j0 / s.taps) * x.stride[1];
      Position q = position(l0, s.P);
      for (int64_t l = 0; l < kc; ++l, q.next(s.P))
        gather16(dst + l * kSgemmNr, x.data + (n0 + q.b) * x.stride[0] + coff,
                 table.by_pos.data() + q.pos * s.taps + t0);
      return;
    }
    const int64_t* off[kSgemmNr];
    int64_t coff[kSgemmNr];
    for (int64_t j = 0; j < cols; ++j) {
      const int64_t c = (j0 + j) / s.taps, t = (j0 + j) % s.taps;
      off[j] = table.off.data() + t * s.P, coff[j] = (gr * s.Cg + c) * x.stride[1];
    }
    Position q = position(l0, s.P);
    for (int64_t l = 0; l < kc; ++l, q.next(s.P)) {
      const float* xb = x.data + (n0 + q.b) * x.stride[0];
      float* d = dst + l * kSgemmNr;
      for (int64_t j = 0; j < cols; ++j) {
        const int64_t o = off[j][q.pos];
        d[j] = o < 0 ? 0.0f : xb[coff[j] + o];
      }
      std::fill(d + cols, d + kSgemmNr, 0.0f);
    }
  }
  // Frames::suit: the panel is kernel rows a0 .. a0 + 16 / kW - 1 of channel c, kW adjacent floats each.
  void from_frames(float* dst, int64_t j0, int64_t l0, int64_t kc) const {
    switch (s.kW) {  // a copy of a fixed size: inline moves
      case 1: return from_frames<1>(dst, j0, l0, kc);
      case 2: return from_frames<2>(dst, j0, l0, kc);
      case 4: return from_frames<4>(dst, j0, l0, kc);
      case 8: return from_frames<8>(dst, j0, l0, kc);
      default: return from_frames<16>(dst, j0, l0, kc);
    }
  }
  template <int64_t kW>
  void from_frames(float* dst, int64_t j0, int64_t l0, int64_t kc) const {
    constexpr int64_t rows = kSgemmNr / kW;
    const int64_t c = gr * s.Cg + j0 / s.taps, a0 = (j0 % s.taps) / kW;
    const int64_t Hf = frames->Hf, Wf = frames->Wf, row_step = a.dilation[0] * Wf;
    Position q = position(l0, s.P);
    int64_t i = q.pos / s.Wo, j = q.pos % s.Wo;
    for (int64_t l = 0; l < kc; ++l) {
      const float* src = frames->data.data() + ((q.b * s.C_in + c) * Hf + i * a.stride[0] + a0 * a.dilation[0]) * Wf +
                         j * a.stride[1];
      float* d = dst + l * kSgemmNr;
      for (int64_t r = 0; r < rows; ++r) std::memcpy(d + r * kW, src + r * row_step, kW * sizeof(float));
      q.next(s.P);
      if (++j == s.Wo) j = 0, i = q.pos == 0 ? 0 : i + 1;
    }
  }
};

}  // namespace

void conv2d_backward_weight_f32(View<float> gw, View<const float> x, View<const float> g, const Conv2dArgs& a) {
  const Geometry s(x, gw.size[0], gw.size[2], gw.size[3], g.size[2], g.size[3], a.groups);
  const int64_t size = s.C_out * s.K;
  std::fill(gw.data, gw.data + size, 0.0f);
  if (s.N == 0 || s.P == 0) return;
  const Offsets table = offsets(s, x, a);
  const int64_t chunks = std::min(s.N, kWeightChunks);
  float* const partial = chunks > 1 ? thread_scratch(2, chunks * size) : nullptr;  // each chunk's written whole
  const bool parallel = chunks > 1 && s.N * s.C_out * s.P * s.K >= kParallelFlops;
  const bool framed = Frames::suit(s, a);
  const int64_t most = (s.N + chunks - 1) / chunks;  // images of the largest chunk
#pragma omp parallel if (parallel)
  {
    Frames frames(s, x, a, framed ? most : 0);
#pragma omp for schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
      float* acc = chunks > 1 ? partial + c * size : gw.data;
      const int64_t begin = c * s.N / chunks, end = (c + 1) * s.N / chunks;
      if (framed) frames.fill(x, a, begin, end - begin);
      for (int64_t gr = 0; gr < s.G; ++gr)
        sgemm_packed(s.Co, s.K, (end - begin) * s.P, GradPack{s, g.data, begin, gr},
                     ColumnPack{s, x, table, begin, gr, framed ? &frames : nullptr, a}, acc + gr * s.Co * s.K, s.K,
                     false);
    }
  }
  if (chunks == 1) return;
  sum_chunks_in_order(gw.data, partial, chunks, size, kParallelFlops);
}

}  // namespace nabla::kernels::cpu
