// CPU activation epilogues of the fused conv_transpose2d / batch norm ops.
// Built with -ffp-contract=off (kernels/CMakeLists.txt): 1 - y * y must be
// rounded twice, as the unfused square-then-subtract is.
#include <cmath>
#include <vector>

#include "kernels/cpu/loop.h"
#include "kernels/cpu/reduce_loop.h"
#include "kernels/fused_act.h"

namespace nabla::kernels {

const char* name(Act a) {
  static const char* names[] = {"identity", "relu", "leaky_relu", "tanh", "sigmoid"};
  return names[static_cast<int>(a)];
}

namespace cpu {

namespace {

template <class T, class F>
void each(T* y, int64_t count, F f) {
#pragma omp parallel for if (count >= 2 * kParallelGrain) schedule(static)
  for (int64_t i = 0; i < count; ++i) y[i] = f(y[i]);
}

// gz[i] = d(g[i], y[i]) over one channel's run of s elements.
template <class T, class D>
void run(T* gz, const T* g, const T* y, int64_t s, D d) {
  for (int64_t i = 0; i < s; ++i) gz[i] = d(g[i], y[i]);
}

// Sums positions [k0, k1) of channel c of gz (position k = n * S + s), as
// reduce_loop.h's walk over the reduced dims {0, 2, 3} visits them.
template <class T>
Acc<T> channel_sum(const T* gz, NCS sh, int64_t c, int64_t k0, int64_t k1) {
  Acc<T> acc = 0;
  for (int64_t k = k0; k < k1; ++k) acc += gz[(k / sh.s * sh.c + c) * sh.s + k % sh.s];
  return acc;
}

// reduce_outputs' split: few channels and a long range are summed in fixed
// chunks of kReduceChunk, merged in order; otherwise serially per channel.
template <class T>
void bias_sums(T* gbias, const T* gz, NCS sh) {
  const int64_t red = sh.n * sh.s;
  if (sh.c < kFewOutputs && red >= 2 * kReduceChunk) {
    const int64_t chunks = (red + kReduceChunk - 1) / kReduceChunk;
    std::vector<Acc<T>> part(chunks);
    for (int64_t c = 0; c < sh.c; ++c) {
#pragma omp parallel for schedule(static)
      for (int64_t k = 0; k < chunks; ++k)
        part[k] = channel_sum(gz, sh, c, k * kReduceChunk, k + 1 < chunks ? (k + 1) * kReduceChunk : red);
      Acc<T> total = part[0];
      for (int64_t k = 1; k < chunks; ++k) total += part[k];
      gbias[c] = static_cast<T>(total);
    }
    return;
  }
#pragma omp parallel for if (sh.c * red >= 2 * kParallelGrain && sh.c > 1) schedule(static)
  for (int64_t c = 0; c < sh.c; ++c) gbias[c] = static_cast<T>(channel_sum(gz, sh, c, 0, red));
}

template <class T, class D>
void backward_with(T* gz, const T* g, const T* y, NCS sh, D d) {
  const int64_t rows = sh.n * sh.c;
#pragma omp parallel for if (rows * sh.s >= 2 * kParallelGrain) schedule(static)
  for (int64_t r = 0; r < rows; ++r) run(gz + r * sh.s, g + r * sh.s, y + r * sh.s, sh.s, d);
}

}  // namespace

template <class T>
void activate_(T* y, int64_t count, Activation a) {
  const T slope = static_cast<T>(a.slope);
  switch (a.kind) {
    case Act::identity: return;
    case Act::relu: return each(y, count, [](T x) { return x > 0 ? x : T(0); });
    case Act::leaky_relu: return each(y, count, [slope](T x) { return x > 0 ? x : slope * x; });
    case Act::tanh: return each(y, count, [](T x) { return std::tanh(x); });
    case Act::sigmoid:  // as the elementwise kernel: never exp of a large positive number
      return each(y, count, [](T x) {
        if (x >= 0) return T(1) / (T(1) + std::exp(-x));
        const T e = std::exp(x);
        return e / (T(1) + e);
      });
  }
}

template <class T>
void activation_backward(T* gz, T* gbias, const T* g, const T* y, NCS sh, Activation a) {
  const T slope = static_cast<T>(a.slope);
  switch (a.kind) {
    case Act::identity: backward_with(gz, g, y, sh, [](T g, T) { return g; }); break;
    case Act::relu: backward_with(gz, g, y, sh, [](T g, T y) { return y > 0 ? g : T(0); }); break;
    case Act::leaky_relu:
      backward_with(gz, g, y, sh, [slope](T g, T y) { return y > 0 ? g : g * slope; });
      break;
    case Act::tanh: backward_with(gz, g, y, sh, [](T g, T y) { return g * (T(1) - y * y); }); break;
    case Act::sigmoid: backward_with(gz, g, y, sh, [](T g, T y) { return g * y * (T(1) - y); }); break;
  }
  if (gbias) bias_sums(gbias, gz, sh);
}

#define NABLA_FLOAT(T)                                        \
  template void activate_<T>(T*, int64_t, Activation);        \
  template void activation_backward<T>(T*, T*, const T*, const T*, NCS, Activation);
NABLA_FLOAT(float)
NABLA_FLOAT(double)
#undef NABLA_FLOAT

}  // namespace cpu
}  // namespace nabla::kernels
