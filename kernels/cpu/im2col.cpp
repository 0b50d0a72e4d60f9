// im2col / col2im: one image's receptive fields as the columns of a matrix,
// so that a convolution becomes a GEMM (Chellapilla et al. 2006).
#include <algorithm>
#include <vector>

#include "kernels/conv.h"

namespace nabla::kernels::cpu {

namespace {
// Output positions j in [0, n_out) whose input j s - p + k d lies in [0, n_in).
struct Range {
  int64_t lo, hi;
};
Range valid(int64_t n_in, int64_t n_out, int64_t s, int64_t p, int64_t kd) {
  const int64_t first = p - kd;                     // need j s >= first
  const int64_t last = n_in - 1 + p - kd;           // need j s <= last
  int64_t lo = first <= 0 ? 0 : (first + s - 1) / s;
  int64_t hi = last < 0 ? 0 : last / s + 1;
  lo = std::min(lo, n_out);
  hi = std::clamp(hi, lo, n_out);
  return {lo, hi};
}

// One kernel tap (c, p, q) of a [C, H, W] image: its row of the column matrix,
// the output rows and columns whose input lies inside the image, and where
// output (i, j) reads the image: element in_row(i) + in_col(j).
struct Tap {
  int64_t row;
  Range ri, rj;
  int64_t base, si, sj, off_j;
  int64_t in_row(int64_t i) const { return base + i * si; }
  int64_t in_col(int64_t j) const { return j * sj + off_j; }
};

// Calls f(tap) for every tap of x, in the order of the column matrix's rows.
template <class T, class F>
void for_each_tap(const View<T>& x, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo, const Conv2dArgs& a, F&& f) {
  const int64_t C = x.size[0], H = x.size[1], W = x.size[2];
  const int64_t sc = x.stride[0], sh = x.stride[1], sw = x.stride[2];
  for (int64_t c = 0; c < C; ++c)
    for (int64_t p = 0; p < kH; ++p)
      for (int64_t q = 0; q < kW; ++q) {
        const int64_t dp = p * a.dilation[0], dq = q * a.dilation[1];
        f(Tap{(c * kH + p) * kW + q, valid(H, Ho, a.stride[0], a.padding[0], dp),
              valid(W, Wo, a.stride[1], a.padding[1], dq), c * sc + (dp - a.padding[0]) * sh, a.stride[0] * sh,
              a.stride[1] * sw, (dq - a.padding[1]) * sw});
      }
}

// Rows of the column matrix, one output row at a time: for long rows with
// stride 1 each is one block copy.
template <class T>
void im2col_rows(T* col, int64_t ld, View<const T> x, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
            const Conv2dArgs& a) {
  for_each_tap(x, kH, kW, Ho, Wo, a, [&](const Tap& t) {
    T* row = col + t.row * ld;
    std::fill(row, row + t.ri.lo * Wo, T(0));
    for (int64_t i = t.ri.lo; i < t.ri.hi; ++i) {
      T* out = row + i * Wo;
      const T* in = x.data + t.in_row(i);
      std::fill(out, out + t.rj.lo, T(0));
      if (t.sj == 1)  // stride 1 along a contiguous row: one block copy
        std::copy(in + t.in_col(t.rj.lo), in + t.in_col(t.rj.hi), out + t.rj.lo);
      else
        for (int64_t j = t.rj.lo; j < t.rj.hi; ++j) out[j] = in[t.in_col(j)];
      std::fill(out + t.rj.hi, out + Wo, T(0));
    }
    std::fill(row + t.ri.hi * Wo, row + Ho * Wo, T(0));
  });
}

template <class T>
void col2im_rows(View<T> x, const T* col, int64_t ld, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
            const Conv2dArgs& a) {
  for_each_tap(x, kH, kW, Ho, Wo, a, [&](const Tap& t) {
    const T* row = col + t.row * ld;
    for (int64_t i = t.ri.lo; i < t.ri.hi; ++i) {
      const T* in = row + i * Wo;
      T* out = x.data + t.in_row(i);
      if (t.sj == 1) {
        T* o = out + t.off_j;  // out[j + off_j] += in[j]: a loop the compiler vectorises
        for (int64_t j = t.rj.lo; j < t.rj.hi; ++j) o[j] += in[j];
      } else {
        for (int64_t j = t.rj.lo; j < t.rj.hi; ++j) out[t.in_col(j)] += in[j];
      }
    }
  });
}


// For strided columns (element-by-element copies) the per-row work dominates: instead, one
// table of image offsets per tap (the same for every channel), offset[t P + i]
// of output position i (-1 where the input is padding): im2col gathers each
// row over its P positions, col2im each image element from its list.
bool use_table(const Conv2dArgs& a) { return a.stride[1] != 1; }

std::vector<int64_t>& offset_table(int64_t taps, int64_t P) {
  thread_local std::vector<int64_t> table;
  table.resize(static_cast<size_t>(taps * P));
  return table;
}

template <class T>
const int64_t* build_table(const View<T>& x, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo, const Conv2dArgs& a) {
  int64_t* const table = offset_table(kH * kW, Ho * Wo).data();
  conv_offsets(table, x.size[1], x.size[2], x.stride[1], x.stride[2], kH, kW, Ho, Wo, a);
  return table;
}

template <class T>
void im2col_table(T* col, int64_t ld, const View<const T>& x, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
                  const Conv2dArgs& a) {
  const int64_t C = x.size[0], taps = kH * kW, P = Ho * Wo;
  if (x.size[1] * x.size[2] == 0) {  // nothing inside: all padding
    for (int64_t r = 0; r < C * taps; ++r) std::fill(col + r * ld, col + r * ld + P, T(0));
    return;
  }
  const int64_t* table = build_table(x, kH, kW, Ho, Wo, a);
  for (int64_t c = 0; c < C; ++c) {
    const T* xc = x.data + c * x.stride[0];
    for (int64_t t = 0; t < taps; ++t) {
      T* row = col + (c * taps + t) * ld;
      const int64_t* off = table + t * P;
      for (int64_t i = 0; i < P; ++i) {  // a load from every position (offset 0 for padding), then a select
        const int64_t k = off[i];
        const T v = xc[k < 0 ? 0 : k];
        row[i] = k < 0 ? T(0) : v;
      }
    }
  }
}

// The adjoint as a gather: for each image element, the column entries that
// read it, in tap order (at most one per tap), summed onto it in a register.
// The same terms in the same order as col2im_rows' scatter: the same bits.
// The lists (CSR: element e's entries at rel[start[e] .. start[e + 1]), as
// offsets t ld + i into a channel's kH kW rows) are the same for every channel.
template <class T>
void col2im_table(View<T> x, const T* col, int64_t ld, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
                  const Conv2dArgs& a) {
  const int64_t C = x.size[0], H = x.size[1], W = x.size[2], taps = kH * kW, P = Ho * Wo;
  thread_local std::vector<int64_t> reads, start, rel, next;
  reads.resize(static_cast<size_t>(taps * P));
  conv_offsets(reads.data(), H, W, W, 1, kH, kW, Ho, Wo, a);  // dense element index h W + w
  start.assign(static_cast<size_t>(H * W + 1), 0);
  for (const int64_t e : reads)
    if (e >= 0) ++start[e + 1];
  for (int64_t e = 0; e < H * W; ++e) start[e + 1] += start[e];
  rel.resize(static_cast<size_t>(start[H * W]));
  next.assign(start.begin(), start.end() - 1);
  for (int64_t t = 0; t < taps; ++t)
    for (int64_t i = 0; i < P; ++i)
      if (const int64_t e = reads[t * P + i]; e >= 0) rel[next[e]++] = t * ld + i;
  for (int64_t c = 0; c < C; ++c) {
    const T* cc = col + c * taps * ld;
    for (int64_t h = 0; h < H; ++h)
      for (int64_t w = 0; w < W; ++w) {
        T& out = x.data[c * x.stride[0] + h * x.stride[1] + w * x.stride[2]];
        T sum = out;
        for (int64_t k = start[h * W + w]; k < start[h * W + w + 1]; ++k) sum += cc[rel[k]];
        out = sum;
      }
  }
}
}  // namespace

void conv_offsets(int64_t* table, int64_t H, int64_t W, int64_t row_stride, int64_t col_stride, int64_t kH,
                  int64_t kW, int64_t Ho, int64_t Wo, const Conv2dArgs& a) {
  for (int64_t p = 0; p < kH; ++p)
    for (int64_t q = 0; q < kW; ++q)
      for (int64_t i = 0; i < Ho; ++i) {
        const int64_t r = i * a.stride[0] - a.padding[0] + p * a.dilation[0];
        for (int64_t j = 0; j < Wo; ++j, ++table) {
          const int64_t c = j * a.stride[1] - a.padding[1] + q * a.dilation[1];
          const bool inside = r >= 0 && r < H && c >= 0 && c < W;
          *table = inside ? r * row_stride + c * col_stride : -1;
        }
      }
}

template <class T>
void im2col(T* col, int64_t ld, View<const T> x, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
            const Conv2dArgs& a) {
  if (use_table(a)) return im2col_table(col, ld, x, kH, kW, Ho, Wo, a);
  im2col_rows(col, ld, x, kH, kW, Ho, Wo, a);
}

template <class T>
void col2im(View<T> x, const T* col, int64_t ld, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
            const Conv2dArgs& a) {
  if (use_table(a)) return col2im_table(x, col, ld, kH, kW, Ho, Wo, a);
  col2im_rows(x, col, ld, kH, kW, Ho, Wo, a);
}

template void im2col<float>(float*, int64_t, View<const float>, int64_t, int64_t, int64_t, int64_t,
                            const Conv2dArgs&);
template void im2col<double>(double*, int64_t, View<const double>, int64_t, int64_t, int64_t, int64_t,
                             const Conv2dArgs&);
template void col2im<float>(View<float>, const float*, int64_t, int64_t, int64_t, int64_t, int64_t,
                            const Conv2dArgs&);
template void col2im<double>(View<double>, const double*, int64_t, int64_t, int64_t, int64_t, int64_t,
                             const Conv2dArgs&);

}  // namespace nabla::kernels::cpu
