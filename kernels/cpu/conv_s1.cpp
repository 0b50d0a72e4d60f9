// Stride-1 f32 convolution on a padded frame ("wide" output rows), with no
// column matrix: each image is copied once into a zero frame of Hp x Wp per
// channel (Hp = Ho + dh (kH - 1), Wp = Wo + dw (kW - 1)), and output (i, j)
// becomes frame position q = i Wp + j, which reads tap (c, a, b) at frame
// element c Hp Wp + q + a dh Wp + b dw: one offset per tap, the same for
// every q. So 16 adjacent q read 16 adjacent frame floats through any tap,
// and the products run straight from the frame (conv_s1_tiles.h). The Wp - Wo
// positions of each row past Wo are computed and dropped (forward), or meet
// zeros (weight gradient).
//
// Forward: Y_g [Co, q] = W_g [Co, taps] B [taps, q], 6 x 16 register tiles,
// taps in blocks of 256 (fixed by the shapes), one image per task. Taps whose
// weights are zero for every output channel of a group (the masks of
// PixelCNN's convs) are left out of the sums: a term 0 x (finite) changes no
// sum, so the values are those of the full sum in the same order; when the
// image holds a non-finite value the call is redone by im2col.
// Input gradient: for stride 1 the adjoint is a stride-1 convolution of g
// with the weight flipped in both taps and transposed in channels, padding
// dilation (k - 1) - padding (negative: a crop) - the same code.
// Weight gradient: gw[o, tap] = sum_n sum_q g_wide[n, o, q] frame_n[q + off(tap)],
// g_wide zero past Wo; 4 x 3 tiles of 8-lane sums over q (conv_s1_tiles.h),
// the lanes carried across the images of a fixed chunk of the batch and
// reduced at its end, the chunks' partials summed in order in double. None
// of the three depends on the thread count.
#include "kernels/cpu/conv_s1.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/cpu/chunk_sums.h"
#include "kernels/cpu/conv_s1_tiles.h"

namespace nabla::kernels::cpu {

namespace {

using namespace conv_s1;

constexpr int64_t kKc = 256;            // taps per block of the forward's sums
constexpr int64_t kWeightChunks = 16;   // partial weight gradients summed in a fixed order
constexpr int64_t kParallelFlops = int64_t{1} << 20;

// The frame of a source [C, H, W] for outputs Ho x Wo of a kH x kW kernel
// (dilation dh, dw), the source's (0, 0) at frame (pt, pl) (negative: cropped).
struct Frame {
  int64_t C, H, W, Ho, Wo, kH, kW, dh, dw, pt, pl;
  int64_t Hp = Ho + dh * (kH - 1), Wp = Wo + dw * (kW - 1), CS = Hp * Wp;
  int64_t Qn = Ho > 0 && Wo > 0 ? (Ho - 1) * Wp + Wo : 0;  // frame positions up to the last output
  int64_t tap(int64_t c, int64_t a, int64_t b) const { return c * CS + a * dh * Wp + b * dw; }
  // Whether an image of x (any strides) is its own frame.
  bool in_place(const View<const float>& x) const {
    return pt == 0 && pl == 0 && Hp == H && Wp == W && x.stride[3] == 1 && x.stride[2] == W && x.stride[1] == H * W;
  }
  bool fits_int32(int64_t slack) const { return C * CS + slack < std::numeric_limits<int32_t>::max(); }
};

bool any_nonfinite(const float* p, int64_t n) {
  uint32_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t u;
    std::memcpy(&u, p + i, sizeof u);
    bad |= static_cast<uint32_t>((u & 0x7f800000u) == 0x7f800000u);
  }
  return bad != 0;
}

// buf [C CS] = the frame of image n of x, writing only the source's
// positions: the rest of buf must hold zeros (it keeps them from one image to
// the next). False when `check` and a copied value is not finite.
bool fill_frame(float* buf, const Frame& f, const View<const float>& x, int64_t n, bool check) {
  const float* img = x.data + n * x.stride[0];
  const int64_t s0 = std::clamp<int64_t>(f.pl, 0, f.Wp), s1 = std::clamp<int64_t>(f.pl + f.W, 0, f.Wp);
  const int64_t r0 = std::clamp<int64_t>(f.pt, 0, f.Hp), r1 = std::clamp<int64_t>(f.pt + f.H, 0, f.Hp);
  const int64_t len = s1 - s0, sw = x.stride[3];
  bool ok = true;
  for (int64_t c = 0; c < f.C; ++c)
    for (int64_t r = r0; r < r1; ++r) {
      float* d = buf + c * f.CS + r * f.Wp + s0;
      const float* src = img + c * x.stride[1] + (r - f.pt) * x.stride[2] + (s0 - f.pl) * sw;
      if (sw == 1)
        for (int64_t s = 0; s < len; ++s) d[s] = src[s];
      else
        for (int64_t s = 0; s < len; ++s) d[s] = src[s * sw];
      if (check && any_nonfinite(d, len)) ok = false;
    }
  return ok;
}

// One group's weights w_g [Co, Cg kH kW] as the A of out_tile: the taps kept
// (all, or those with a nonzero weight), their frame offsets, and the packed
// panels: taps [pc, pc + kc) at a + pc mpad, panel p at + p kMr kc.
struct GroupPlan {
  std::vector<int32_t> off;
  std::vector<float> a;
  int64_t mpad = 0;
};

GroupPlan plan_group(const float* wg, int64_t Co, int64_t Cg, const Frame& f, bool skip_zero_taps) {
  const int64_t K = Cg * f.kH * f.kW;
  GroupPlan p;
  std::vector<int64_t> kept;
  for (int64_t c = 0; c < Cg; ++c)
    for (int64_t a = 0; a < f.kH; ++a)
      for (int64_t b = 0; b < f.kW; ++b) {
        const int64_t l = (c * f.kH + a) * f.kW + b;
        bool keep = !skip_zero_taps;
        for (int64_t o = 0; o < Co && !keep; ++o) keep = wg[o * K + l] != 0.0f;
        if (keep) kept.push_back(l), p.off.push_back(static_cast<int32_t>(f.tap(c, a, b)));
      }
  const int64_t k = static_cast<int64_t>(kept.size());
  p.mpad = (Co + kMr - 1) / kMr * kMr;
  p.a.assign(static_cast<size_t>(p.mpad * k), 0.0f);
  for (int64_t pc = 0; pc < k; pc += kKc) {
    const int64_t kc = std::min(kKc, k - pc);
    float* block = p.a.data() + pc * p.mpad;
    for (int64_t o = 0; o < Co; ++o)
      for (int64_t l = 0; l < kc; ++l) block[(o / kMr) * kMr * kc + l * kMr + o % kMr] = wg[o * K + kept[pc + l]];
  }
  return p;
}

// Output columns per tile for a panel of `rows` output channels: at least 8
// independent sums (the FMA latency), at most 12 (the registers).
int64_t tile_width(int64_t rows) { return rows >= 4 ? 16 : rows == 1 ? 64 : 32; }
constexpr int64_t kMacroColumns = 64;  // a multiple of every tile_width

void tile(int64_t rows, int64_t width, int64_t kc, const float* a, const float* base, const int32_t* off, float* c,
          int64_t ldc, bool add) {
  if (width == 64) return out_tile<1, 8>(kc, a, base, off, c, ldc, add);
  if (width == 32) return rows == 3 ? out_tile<3, 4>(kc, a, base, off, c, ldc, add)
                                    : out_tile<2, 4>(kc, a, base, off, c, ldc, add);
  switch (rows) {
    case 6: return out_tile<6, 2>(kc, a, base, off, c, ldc, add);
    case 5: return out_tile<5, 2>(kc, a, base, off, c, ldc, add);
    case 4: return out_tile<4, 2>(kc, a, base, off, c, ldc, add);
    case 3: return out_tile<3, 2>(kc, a, base, off, c, ldc, add);
    case 2: return out_tile<2, 2>(kc, a, base, off, c, ldc, add);
    default: return out_tile<1, 2>(kc, a, base, off, c, ldc, add);
  }
}

// Offsets l kNr: out_tile over a packed kc x 16 panel.
const int32_t* panel_offsets() {
  static const std::vector<int32_t> seq = [] {
    std::vector<int32_t> s(kKc);
    for (int64_t l = 0; l < kKc; ++l) s[l] = static_cast<int32_t>(l * kNr);
    return s;
  }();
  return seq.data();
}

// Columns q0 .. q0 + 15 (those below Qn) of the tap block `block` (kc taps
// at off), 16-wide tiles; a partial tile's B is copied into a panel first
// (no reads past the frame).
void out_columns(float* y, int64_t ldc, const float* base, const float* block, const int32_t* off, int64_t kc,
                 int64_t Co, int64_t q0, int64_t Qn, bool add) {
  const int64_t cols = std::min(kNr, Qn - q0);
  if (cols == kNr) {
    for (int64_t r = 0; r < Co; r += kMr)
      tile(std::min(kMr, Co - r), kNr, kc, block + r * kc, base + q0, off, y + r * ldc + q0, ldc, add);
    return;
  }
  float panel[kKc * kNr], scratch[kMr * kNr];
  for (int64_t l = 0; l < kc; ++l) {
    std::copy(base + q0 + off[l], base + q0 + off[l] + cols, panel + l * kNr);
    std::fill(panel + l * kNr + cols, panel + (l + 1) * kNr, 0.0f);
  }
  for (int64_t r = 0; r < Co; r += kMr) {
    const int64_t rows = std::min(kMr, Co - r);
    float* c = y + r * ldc + q0;
    for (int64_t i = 0; i < rows; ++i) std::copy(c + i * ldc, c + i * ldc + cols, scratch + i * kNr);
    tile(rows, kNr, kc, block + r * kc, panel, panel_offsets(), scratch, kNr, add);
    for (int64_t i = 0; i < rows; ++i) std::copy(scratch + i * kNr, scratch + i * kNr + cols, c + i * ldc);
  }
}

// y [Co, ldc] (first Qn columns) = W_g B over the frame of one group at `base`.
void out_group(float* y, int64_t ldc, const float* base, const GroupPlan& p, int64_t Co, int64_t Qn) {
  const int64_t k = static_cast<int64_t>(p.off.size());
  if (k == 0) {
    for (int64_t o = 0; o < Co; ++o) std::fill(y + o * ldc, y + o * ldc + Qn, 0.0f);
    return;
  }
  for (int64_t pc = 0; pc < k; pc += kKc) {
    const int64_t kc = std::min(kKc, k - pc);
    const float* block = p.a.data() + pc * p.mpad;
    const int32_t* off = p.off.data() + pc;
    for (int64_t m0 = 0; m0 < Qn; m0 += kMacroColumns) {
      if (m0 + kMacroColumns <= Qn) {
        for (int64_t r = 0; r < Co; r += kMr) {
          const int64_t rows = std::min(kMr, Co - r), width = tile_width(rows);
          for (int64_t q0 = m0; q0 < m0 + kMacroColumns; q0 += width)
            tile(rows, width, kc, block + r * kc, base + q0, off, y + r * ldc + q0, ldc, pc > 0);
        }
        continue;
      }
      for (int64_t q0 = m0; q0 < Qn; q0 += kNr) out_columns(y, ldc, base, block, off, kc, Co, q0, Qn, pc > 0);
    }
  }
}

// out [N, Cout, Ho, Wo] = the stride-1 convolution of src [N, C, H, W] (any
// strides) on frame f with w [Cout, C/G, kH, kW] (contiguous), + bias. False
// when taps were left out and an image holds a non-finite value (out then
// unspecified).
bool conv_out(View<float> out, const View<const float>& src, const float* w, const View<const float>& bias,
              const Frame& f, int64_t G) {
  const int64_t N = out.size[0], Cout = out.size[1], Co = Cout / G, Cg = f.C / G, P = f.Ho * f.Wo;
  const int64_t K = Cg * f.kH * f.kW;
  std::vector<GroupPlan> plans;
  bool skipped = false;
  for (int64_t g = 0; g < G; ++g) {
    plans.push_back(plan_group(w + g * Co * K, Co, Cg, f, true));
    skipped = skipped || static_cast<int64_t>(plans.back().off.size()) < K;
  }
  const bool in_place = f.in_place(src), wide = f.Wp != f.Wo;
  const bool parallel = N > 1 && N * Cout * P * K >= kParallelFlops;
  bool bad = false;
#pragma omp parallel if (parallel) reduction(|| : bad)
  {
    std::vector<float> frame(static_cast<size_t>(in_place ? 0 : f.C * f.CS), 0.0f);
    std::vector<float> ybuf(static_cast<size_t>(wide ? Cout * f.Qn : 0));
#pragma omp for schedule(static)
    for (int64_t n = 0; n < N; ++n) {
      const float* base = src.data + n * src.stride[0];
      if (!in_place) {
        if (!fill_frame(frame.data(), f, src, n, skipped)) bad = true;
        base = frame.data();
      } else if (skipped && any_nonfinite(base, f.C * f.CS)) {
        bad = true;
      }
      float* yn = out.data + n * Cout * P;
      float* y = wide ? ybuf.data() : yn;
      const int64_t ld = wide ? f.Qn : P;
      for (int64_t g = 0; g < G; ++g) out_group(y + g * Co * ld, ld, base + g * Cg * f.CS, plans[g], Co, f.Qn);
      for (int64_t o = 0; o < Cout; ++o) {
        const float b = bias.data ? bias.data[o * bias.stride[0]] : 0.0f;
        float* dst = yn + o * P;
        if (wide) {
          for (int64_t i = 0; i < f.Ho; ++i) {
            const float* row = ybuf.data() + o * f.Qn + i * f.Wp;
            float* d = dst + i * f.Wo;
            if (bias.data)
              for (int64_t j = 0; j < f.Wo; ++j) d[j] = row[j] + b;
            else
              for (int64_t j = 0; j < f.Wo; ++j) d[j] = row[j];
          }
        } else if (bias.data) {
          for (int64_t i = 0; i < P; ++i) dst[i] += b;
        }
      }
    }
  }
  return !bad;
}

// The weight gradient of images [begin, end) of one chunk into acc [Cout, K]:
// 4 x 3 tiles (output channels x taps) of 8-lane sums over the wide positions.
struct WeightChunk {
  const Frame& f;
  const View<const float>& x;
  const View<const float>& g;
  int64_t G, Co, Cg, K, Qv;
  const std::vector<int32_t>& off;  // frame offset of each tap of a group
  bool check;
  // Read in place (no copy) the images of x when each is its own frame, of g
  // when it has no positions past Wo; either only when Qv = Qn (no reads past an image).
  bool x_in_place, g_in_place;

  int64_t o_blocks() const { return (Co + kDotO - 1) / kDotO; }
  int64_t l_blocks() const { return (K + kDotL - 1) / kDotL; }

  // gbuf [Cout, Qv]: g of image n at the frame positions, zero past Wo and Qn.
  // (Only the output positions are written: the rest of gbuf must hold zeros.)
  void fill_wide(float* gbuf, int64_t n) const {
    const float* gn = g.data + n * g.stride[0];
    for (int64_t o = 0; o < G * Co; ++o)
      for (int64_t i = 0; i < f.Ho; ++i) {
        const float* src = gn + (o * f.Ho + i) * f.Wo;
        float* d = gbuf + o * Qv + i * f.Wp;
        for (int64_t j = 0; j < f.Wo; ++j) d[j] = src[j];
      }
  }

  // Returns false when `check` and an image holds a non-finite value.
  bool run(float* acc, int64_t begin, int64_t end, float* frame, float* gbuf, float* lanes) const {
    using DotFn = void (*)(int64_t, const float* const*, const float* const*, Lanes(&)[kDotO][kDotL]);
    static constexpr DotFn kDot[kDotO][kDotL] = {{dot_tile<1, 1>, dot_tile<1, 2>, dot_tile<1, 3>},
                                                 {dot_tile<2, 1>, dot_tile<2, 2>, dot_tile<2, 3>},
                                                 {dot_tile<3, 1>, dot_tile<3, 2>, dot_tile<3, 3>},
                                                 {dot_tile<4, 1>, dot_tile<4, 2>, dot_tile<4, 3>}};
    const int64_t ob_n = o_blocks(), lb_n = l_blocks(), tile_floats = kDotO * kDotL * kLanes;
    std::fill(lanes, lanes + G * ob_n * lb_n * tile_floats, 0.0f);
    bool ok = true;
    for (int64_t n = begin; n < end; ++n) {
      const float* xf = frame;
      if (x_in_place) {
        xf = x.data + n * x.stride[0];
        if (check && any_nonfinite(xf, f.C * f.CS)) ok = false;
      } else if (!fill_frame(frame, f, x, n, check)) {
        ok = false;
      }
      const float* gn = g_in_place ? g.data + n * g.stride[0] : gbuf;
      if (!g_in_place) fill_wide(gbuf, n);
      for (int64_t gr = 0; gr < G; ++gr)
        for (int64_t ob = 0; ob < ob_n; ++ob) {
          const int64_t ro = std::min(kDotO, Co - ob * kDotO);
          const float* grow[kDotO];
          for (int64_t o = 0; o < ro; ++o) grow[o] = gn + (gr * Co + ob * kDotO + o) * Qv;
          for (int64_t lb = 0; lb < lb_n; ++lb) {
            const int64_t rl = std::min(kDotL, K - lb * kDotL);
            const float* xrow[kDotL];
            for (int64_t l = 0; l < rl; ++l) xrow[l] = xf + gr * Cg * f.CS + off[lb * kDotL + l];
            float* t = lanes + ((gr * ob_n + ob) * lb_n + lb) * tile_floats;
            Lanes s[kDotO][kDotL];
            for (int64_t i = 0; i < kDotO * kDotL; ++i) s[i / kDotL][i % kDotL] = load_lanes(t + i * kLanes);
            kDot[ro - 1][rl - 1](Qv / kLanes, grow, xrow, s);
            for (int64_t i = 0; i < kDotO * kDotL; ++i) store_lanes(t + i * kLanes, s[i / kDotL][i % kDotL]);
          }
        }
    }
    for (int64_t gr = 0; gr < G; ++gr)
      for (int64_t ob = 0; ob < ob_n; ++ob)
        for (int64_t lb = 0; lb < lb_n; ++lb) {
          const float* t = lanes + ((gr * ob_n + ob) * lb_n + lb) * tile_floats;
          for (int64_t o = 0; o < std::min(kDotO, Co - ob * kDotO); ++o)
            for (int64_t l = 0; l < std::min(kDotL, K - lb * kDotL); ++l)
              acc[(gr * Co + ob * kDotO + o) * K + lb * kDotL + l] = lane_sum(load_lanes(t + (o * kDotL + l) * kLanes));
        }
    return ok;
  }
};

// gw [Cout, K] = sum over the batch of the chunks' partials; false as WeightChunk::run.
bool weight_grad(View<float> gw, const View<const float>& x, const View<const float>& g, const Frame& f,
                 int64_t G) {
  const int64_t N = x.size[0], Cout = gw.size[0], Co = Cout / G, Cg = gw.size[1], K = Cg * f.kH * f.kW;
  const int64_t size = Cout * K, Qv = (f.Qn + kLanes - 1) / kLanes * kLanes;
  std::vector<int32_t> off;
  for (int64_t c = 0; c < Cg; ++c)
    for (int64_t a = 0; a < f.kH; ++a)
      for (int64_t b = 0; b < f.kW; ++b) off.push_back(static_cast<int32_t>(f.tap(c, a, b)));
  // Positions past Wo (and Qn) read frame values and multiply them by zeros: exact only for finite values.
  const bool whole = Qv == f.Qn;
  const WeightChunk job{f,   x,   g, G, Co, Cg, K, Qv, off, f.Wp != f.Wo || Qv != f.Qn, whole && f.in_place(x),
                        whole && f.Wp == f.Wo};
  const int64_t chunks = std::min(N, kWeightChunks);
  std::vector<float> partial(static_cast<size_t>(chunks > 1 ? chunks * size : 0));
  const bool parallel = chunks > 1 && N * Cout * f.Ho * f.Wo * K >= kParallelFlops;
  bool bad = false;
#pragma omp parallel if (parallel) reduction(|| : bad)
  {
    // The frame's last reads run up to kLanes - 1 past it (positions Qn .. Qv).
    std::vector<float> frame(static_cast<size_t>(job.x_in_place ? 0 : f.C * f.CS + kLanes), 0.0f);
    std::vector<float> gbuf(static_cast<size_t>(job.g_in_place ? 0 : Cout * Qv), 0.0f);
    std::vector<float> lanes(static_cast<size_t>(G * job.o_blocks() * job.l_blocks() * kDotO * kDotL * kLanes));
#pragma omp for schedule(static)
    for (int64_t c = 0; c < chunks; ++c) {
      float* acc = chunks > 1 ? partial.data() + c * size : gw.data;
      if (!job.run(acc, c * N / chunks, (c + 1) * N / chunks, frame.data(), gbuf.data(), lanes.data())) bad = true;
    }
  }
  if (bad || chunks == 1) return !bad;
  sum_chunks_in_order(gw.data, partial.data(), chunks, size, kParallelFlops);
  return true;
}

}  // namespace

void conv2d_forward_s1(View<float> out, View<const float> x, View<const float> w, View<const float> bias,
                       const Conv2dArgs& a) {
  const Frame f{x.size[1], x.size[2],     x.size[3],     out.size[2],   out.size[3], w.size[2],
                w.size[3], a.dilation[0], a.dilation[1], a.padding[0], a.padding[1]};
  if (out.numel() == 0) return;
  if (!f.fits_int32(0) || !conv_out(out, x, w.data, bias, f, a.groups))
    conv2d_forward_im2col<float>(out, x, w, bias, a);
}

void conv2d_backward_input_s1(View<float> gx, View<const float> g, View<const float> w, View<const float> bias,
                              const Conv2dArgs& a) {
  const int64_t Cout = w.size[0], Cg = w.size[1], kH = w.size[2], kW = w.size[3], G = a.groups, Co = Cout / G;
  const int64_t taps = kH * kW;
  if (gx.numel() == 0) return;
  // The frame's padding meets every tap: 0 x inf would give NaN where col2im drops the product.
  if (any_nonfinite(w.data, w.numel())) return conv2d_backward_input_im2col<float>(gx, g, w, bias, a);
  // wt [C_in, Co, kH, kW]: wt[gr Cg + c, o, a, b] = w[gr Co + o, c, kH - 1 - a, kW - 1 - b].
  std::vector<float> wt(static_cast<size_t>(Cout * Cg * taps));
  for (int64_t gr = 0; gr < G; ++gr)
    for (int64_t c = 0; c < Cg; ++c)
      for (int64_t o = 0; o < Co; ++o)
        for (int64_t t = 0; t < taps; ++t)
          wt[((gr * Cg + c) * Co + o) * taps + t] = w.data[((gr * Co + o) * Cg + c) * taps + (taps - 1 - t)];
  const Frame f{Cout,      g.size[2],     g.size[3],     gx.size[2],
                gx.size[3], kH,           kW,            a.dilation[0],
                a.dilation[1], a.dilation[0] * (kH - 1) - a.padding[0], a.dilation[1] * (kW - 1) - a.padding[1]};
  if (!f.fits_int32(0) || !conv_out(gx, g, wt.data(), bias, f, G))
    conv2d_backward_input_im2col<float>(gx, g, w, bias, a);
}

void conv2d_backward_weight_s1(View<float> gw, View<const float> x, View<const float> g, const Conv2dArgs& a) {
  std::fill(gw.data, gw.data + gw.numel(), 0.0f);
  if (x.size[0] == 0 || g.size[2] * g.size[3] == 0 || gw.numel() == 0) return;
  const Frame f{x.size[1], x.size[2],     x.size[3],     g.size[2],    g.size[3], gw.size[2],
                gw.size[3], a.dilation[0], a.dilation[1], a.padding[0], a.padding[1]};
  if (!f.fits_int32(kLanes) || !weight_grad(gw, x, g, f, a.groups)) conv2d_backward_weight_im2col<float>(gw, x, g, a);
}

}  // namespace nabla::kernels::cpu
