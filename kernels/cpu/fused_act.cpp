// CPU activation epilogues of the fused conv_transpose2d / batch norm ops.
// Built with -ffp-contract=off (kernels/CMakeLists.txt): 1 - y * y must be
// rounded twice, as the unfused square-then-subtract is.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "kernels/activation_math.h"
#include "kernels/cpu/conv_f32.h"
#include "kernels/cpu/loop.h"
#include "kernels/cpu/reduce_loop.h"
#include "kernels/fused_act.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace nabla::kernels {

const char* name(Act a) {
  static const char* names[] = {"identity", "relu", "leaky_relu", "tanh", "sigmoid"};
  return names[static_cast<int>(a)];
}

namespace cpu {

namespace {

constexpr int64_t kRun = 256;

// LeakyReLU (slope > 0) and its derivative from the output. GCC keeps the
// product inside a branch (-ftrapping-math: it may not run it for x > 0), so
// their float loops select with explicit AVX2 (_CMP_GT_OQ is false for NaN,
// as x > 0 is): the same values as act::LeakyRelu's scalar forms.
// d[i] = a[i] > 0 ? b[i] : b[i] * slope for i < n (the forward: a = b = x; the backward: a = y, b = g).
template <class T>
void leaky_select(T* d, const T* a, const T* b, int64_t n, T slope) {
  int64_t i = 0;
#if defined(__AVX2__)
  if constexpr (std::is_same_v<T, float>) {
    const __m256 s = _mm256_set1_ps(slope), zero = _mm256_setzero_ps();
    for (; i + 8 <= n; i += 8) {
      const __m256 av = _mm256_loadu_ps(a + i), bv = _mm256_loadu_ps(b + i);
      const __m256 pos = _mm256_cmp_ps(av, zero, _CMP_GT_OQ);
      _mm256_storeu_ps(d + i, _mm256_blendv_ps(_mm256_mul_ps(bv, s), bv, pos));
    }
  }
#endif
  for (; i < n; ++i) d[i] = a[i] > 0 ? b[i] : b[i] * slope;
}

// y[i stride] = f(y[i stride]) for i < n <= kRun through a buffer. Written in
// place directly, y[i] = f(y[i]) lets the compiler drop the stores where f
// keeps x (relu and leaky_relu above 0) and branch on every element's sign;
// through the buffer both loops run without branches (vector selects).
template <class T, class F>
inline void apply_run(T* y, int64_t n, int64_t stride, F f) {
  T buf[kRun];
  if (stride == 1) {
    for (int64_t i = 0; i < n; ++i) buf[i] = f(y[i]);
    for (int64_t i = 0; i < n; ++i) y[i] = buf[i];
    return;
  }
  for (int64_t i = 0; i < n; ++i) buf[i] = f(y[i * stride]);
  for (int64_t i = 0; i < n; ++i) y[i * stride] = buf[i];
}

template <class T>
inline void apply_run(T* y, int64_t n, int64_t stride, act::LeakyRelu<T> f) {
  if (stride == 1) return leaky_select(y, y, y, n, f.slope);
  for (int64_t i = 0; i < n; ++i) y[i * stride] = f(y[i * stride]);
}

template <class T, class F>
void each(T* y, int64_t count, F f) {
  const int64_t runs = (count + kRun - 1) / kRun;
#pragma omp parallel for if (count >= 2 * kParallelGrain) schedule(static)
  for (int64_t r = 0; r < runs; ++r) apply_run(y + r * kRun, std::min(kRun, count - r * kRun), 1, f);
}

// gz[i] = f.grad(g[i], y[i]) over one channel's run of s elements.
template <class T, class F>
void run(T* gz, const T* g, const T* y, int64_t s, F f) {
  for (int64_t i = 0; i < s; ++i) gz[i] = f.grad(g[i], y[i]);
}
template <class T>
void run(T* gz, const T* g, const T* y, int64_t s, act::LeakyRelu<T> f) {
  leaky_select(gz, y, g, s, f.slope);
}

// Sums positions [k0, k1) of channel c of gz (position k = n * S + s), as
// reduce_loop.h's walk over the reduced dims {0, 2, 3} visits them.
template <class T>
Acc<T> channel_sum(const T* gz, NCS sh, int64_t c, int64_t k0, int64_t k1) {
  Acc<T> acc = 0;
  int64_t n = k0 / sh.s, s = k0 % sh.s;
  for (int64_t k = k0; k < k1; s = 0, ++n) {
    const T* row = gz + (n * sh.c + c) * sh.s;
    const int64_t len = sh.s - s < k1 - k ? sh.s - s : k1 - k;
    for (int64_t j = 0; j < len; ++j) acc += row[s + j];
    k += len;
  }
  return acc;
}

// Few channels over a long range (reduce_outputs' split): each channel summed
// in fixed chunks of kReduceChunk in parallel, the chunks merged in order.
bool chunked(NCS sh) { return sh.c < kFewOutputs && sh.n * sh.s >= 2 * kReduceChunk; }

template <class T>
void chunked_bias_sums(T* gbias, const T* gz, NCS sh) {
  const int64_t red = sh.n * sh.s, chunks = (red + kReduceChunk - 1) / kReduceChunk;
  std::vector<Acc<T>> part(chunks);
  for (int64_t c = 0; c < sh.c; ++c) {
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < chunks; ++k)
      part[k] = channel_sum(gz, sh, c, k * kReduceChunk, k + 1 < chunks ? (k + 1) * kReduceChunk : red);
    Acc<T> total = part[0];
    for (int64_t k = 1; k < chunks; ++k) total += part[k];
    gbias[c] = static_cast<T>(total);
  }
}

// gz, and (gbias not null) its channel sums: in the same pass, channel by
// channel, serially in (n, s) order as reduce_outputs sums one output;
// chunked sums take a second pass.
// Channels whose sums run side by side: independent chains of additions, so
// that each channel's serial sum does not wait on the latency of the last.
constexpr int64_t kSideBySide = 8;

template <class T, class F>
void backward_with(T* gz, T* gbias, const T* g, const T* y, NCS sh, F d) {
  const int64_t red = sh.n * sh.s;
  if (gbias && !chunked(sh)) {
    const int64_t blocks = (sh.c + kSideBySide - 1) / kSideBySide;
#pragma omp parallel for if (sh.c * red >= 2 * kParallelGrain && sh.c > 1) schedule(static)
    for (int64_t cb = 0; cb < blocks; ++cb) {
      const int64_t c0 = cb * kSideBySide, nc = std::min(kSideBySide, sh.c - c0);
      Acc<T> acc[kSideBySide] = {};
      for (int64_t n = 0; n < sh.n; ++n) {
        const int64_t o = (n * sh.c + c0) * sh.s;
        run(gz + o, g + o, y + o, nc * sh.s, d);
        const T* z = gz + o;
        if (nc == kSideBySide) {
          for (int64_t j = 0; j < sh.s; ++j)
            for (int64_t k = 0; k < kSideBySide; ++k) acc[k] += z[k * sh.s + j];
        } else {
          for (int64_t j = 0; j < sh.s; ++j)
            for (int64_t k = 0; k < nc; ++k) acc[k] += z[k * sh.s + j];
        }
      }
      for (int64_t k = 0; k < nc; ++k) gbias[c0 + k] = static_cast<T>(acc[k]);
    }
    return;
  }
  const int64_t rows = sh.n * sh.c;
#pragma omp parallel for if (rows * sh.s >= 2 * kParallelGrain) schedule(static)
  for (int64_t r = 0; r < rows; ++r) run(gz + r * sh.s, g + r * sh.s, y + r * sh.s, sh.s, d);
  if (gbias) chunked_bias_sums(gbias, gz, sh);
}

}  // namespace

template <class T>
void activate_(T* y, int64_t count, Activation a) {
  if (a.kind == Act::identity) return;
  act::with_activation<T>(a, [&](auto f) { each(y, count, f); });
}

template <class T>
void activate_strided_(T* y, int64_t count, int64_t stride, Activation a) {
  if (a.kind == Act::identity) return;
  act::with_activation<T>(a, [&](auto f) {
    for (int64_t i = 0; i < count; i += kRun) apply_run(y + i * stride, std::min(kRun, count - i), stride, f);
  });
}

template <class T>
void activation_backward(T* gz, T* gbias, const T* g, const T* y, NCS sh, Activation a) {
  act::with_activation<T>(a, [&](auto f) { backward_with(gz, gbias, g, y, sh, f); });
}

template <class T>
void conv2d_forward_act(View<T> out, View<const T> x, View<const T> w, View<const T> bias, const Conv2dArgs& a,
                        Activation act) {
  if constexpr (std::is_same_v<T, float>)
    if (implicit_gemm_suits(a)) return conv2d_forward_f32(out, x, w, bias, a, act);
  conv2d_forward<T>(out, x, w, bias, a);
  int64_t count = 1;
  for (int d = 0; d < out.ndim; ++d) count *= out.size[d];
  activate_(out.data, count, act);
}

#define NABLA_FLOAT(T)                                        \
  template void activate_<T>(T*, int64_t, Activation);        \
  template void activate_strided_<T>(T*, int64_t, int64_t, Activation); \
  template void conv2d_forward_act<T>(View<T>, View<const T>, View<const T>, View<const T>, const Conv2dArgs&, \
                                      Activation);            \
  template void activation_backward<T>(T*, T*, const T*, const T*, NCS, Activation);
NABLA_FLOAT(float)
NABLA_FLOAT(double)
#undef NABLA_FLOAT

}  // namespace cpu
}  // namespace nabla::kernels
