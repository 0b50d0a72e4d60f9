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
}  // namespace

template <class T>
void im2col(T* col, int64_t ld, View<const T> x, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
            const Conv2dArgs& a) {
  const int64_t C = x.size[0], H = x.size[1], W = x.size[2];
  const int64_t sc = x.stride[0], sh = x.stride[1], sw = x.stride[2];
  for (int64_t c = 0; c < C; ++c)
    for (int64_t p = 0; p < kH; ++p)
      for (int64_t q = 0; q < kW; ++q) {
        T* row = col + ((c * kH + p) * kW + q) * ld;
        const Range ri = valid(H, Ho, a.stride[0], a.padding[0], p * a.dilation[0]);
        const Range rj = valid(W, Wo, a.stride[1], a.padding[1], q * a.dilation[1]);
        std::fill(row, row + ri.lo * Wo, T(0));
        for (int64_t i = ri.lo; i < ri.hi; ++i) {
          T* out = row + i * Wo;
          const int64_t ih = i * a.stride[0] - a.padding[0] + p * a.dilation[0];
          const T* in = x.data + c * sc + ih * sh;
          std::fill(out, out + rj.lo, T(0));
          for (int64_t j = rj.lo; j < rj.hi; ++j)
            out[j] = in[(j * a.stride[1] - a.padding[1] + q * a.dilation[1]) * sw];
          std::fill(out + rj.hi, out + Wo, T(0));
        }
        std::fill(row + ri.hi * Wo, row + Ho * Wo, T(0));
      }
}

template <class T>
void col2im(View<T> x, const T* col, int64_t ld, int64_t kH, int64_t kW, int64_t Ho, int64_t Wo,
            const Conv2dArgs& a) {
  const int64_t C = x.size[0], H = x.size[1], W = x.size[2];
  const int64_t sc = x.stride[0], sh = x.stride[1], sw = x.stride[2];
  for (int64_t c = 0; c < C; ++c)
    for (int64_t p = 0; p < kH; ++p)
      for (int64_t q = 0; q < kW; ++q) {
        const T* row = col + ((c * kH + p) * kW + q) * ld;
        const Range ri = valid(H, Ho, a.stride[0], a.padding[0], p * a.dilation[0]);
        const Range rj = valid(W, Wo, a.stride[1], a.padding[1], q * a.dilation[1]);
        for (int64_t i = ri.lo; i < ri.hi; ++i) {
          const T* in = row + i * Wo;
          const int64_t ih = i * a.stride[0] - a.padding[0] + p * a.dilation[0];
          T* out = x.data + c * sc + ih * sh;
          for (int64_t j = rj.lo; j < rj.hi; ++j)
            out[(j * a.stride[1] - a.padding[1] + q * a.dilation[1]) * sw] += in[j];
        }
      }
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
