// im2col / col2im: one image's receptive fields as the columns of a matrix,
// so that a convolution becomes a GEMM (Chellapilla et al. 2006).
#include <algorithm>

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
}  // namespace

template <class T>
void im2col(T* col, int64_t ld, View<const T> x, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
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
void col2im(View<T> x, const T* col, int64_t ld, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
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

template void im2col<float>(float*, int64_t, View<const float>, int64_t, int64_t, int64_t, int64_t,
                            const Conv2dArgs&);
template void im2col<double>(double*, int64_t, View<const double>, int64_t, int64_t, int64_t, int64_t,
                             const Conv2dArgs&);
template void col2im<float>(View<float>, const float*, int64_t, int64_t, int64_t, int64_t, int64_t,
                            const Conv2dArgs&);
template void col2im<double>(View<double>, const double*, int64_t, int64_t, int64_t, int64_t, int64_t,
                             const Conv2dArgs&);

}  // namespace nabla::kernels::cpu
