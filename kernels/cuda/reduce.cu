// CUDA reductions: one block of kThreads per output row (grid-stride over
// rows). Thread t folds elements t, t + kThreads, ... of the row serially
// into its state; block_reduce then combines the kThreads states by a fixed
// tree: a shuffle tree inside each warp, then warp 0 over the warp results.
// Two-pass ops (logsumexp: max then shifted exp-sum; var: mean then
// deviations) run both passes in the same block. Accumulators are the CPU's
// (kernels/cpu/reduce.cpp): float sums in double.
#include <cstdint>
#include <type_traits>

#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/reduce.h"

namespace nabla::kernels::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;

// The CPU's accumulators (kernels/cpu/loop.h): float sums in double, i64
// in uint64_t so that overflow wraps instead of being undefined.
template <class T>
using Acc = std::conditional_t<std::is_same_v<T, float>, double,
                               std::conditional_t<std::is_same_v<T, int64_t>, uint64_t, T>>;

template <class V>
__device__ V shfl(V v, int offset) {
  if constexpr (std::is_same_v<V, int64_t>) return __shfl_down_sync(0xffffffffu, (long long)v, offset);
  else if constexpr (std::is_same_v<V, uint64_t>) return __shfl_down_sync(0xffffffffu, (unsigned long long)v, offset);
  else return __shfl_down_sync(0xffffffffu, v, offset);
}

template <class T>
__device__ bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) return isnan(x);
  else return false;
}

// The identity of max (min): -inf (+inf), or int64's lowest (highest).
template <class T, bool Max>
__device__ T bottom() {
  if constexpr (std::is_floating_point_v<T>) return Max ? -INFINITY : INFINITY;
  else return Max ? INT64_MIN : INT64_MAX;
}

// ---------------------------------------------------------------- states
// Each: add(x, j) folds element j of the row, combine(o) merges the state of
// later elements, down(k) is the state of lane + k.
template <class T>
struct Sum {
  Acc<T> s = 0;
  __device__ void add(T x, int64_t) { s += x; }
  __device__ void combine(const Sum& o) { s += o.s; }
  __device__ Sum down(int k) const { return {shfl(s, k)}; }
};

template <class T>
struct Prod {
  Acc<T> s = 1;
  __device__ void add(T x, int64_t) { s *= x; }
  __device__ void combine(const Prod& o) { s *= o.s; }
  __device__ Prod down(int k) const { return {shfl(s, k)}; }
};

// max (min) alone, NaN propagating; starts at -inf (+inf).
template <class T, bool Max>
struct Bound {
  T best = bottom<T, Max>();
  __device__ void add(T x, int64_t) { best = (Max ? x > best : x < best) || (is_nan(x) && !is_nan(best)) ? x : best; }
  __device__ void combine(const Bound& o) { add(o.best, 0); }
  __device__ Bound down(int k) const { return {shfl(best, k)}; }
};

// The first extremum and its index. A tie (or two NaNs) goes to the smaller
// index, so the interleaved partial states give the CPU's first occurrence.
// An empty state has index INT64_MAX and loses every tie.
template <class T, bool Max>
struct Extremum {
  T best = bottom<T, Max>();
  int64_t index = INT64_MAX;
  __device__ void add(T x, int64_t j) { combine({x, j}); }
  __device__ void combine(const Extremum& o) {
    const bool beats = (Max ? o.best > best : o.best < best) || (is_nan(o.best) && !is_nan(best));
    const bool tie = o.best == best || (is_nan(o.best) && is_nan(best));
    if (beats || (tie && o.index < index)) best = o.best, index = o.index;
  }
  __device__ Extremum down(int k) const { return {shfl(best, k), shfl(index, k)}; }
};

template <class T>
struct AbsMax {  // max |x|, NaN propagating (norm with p = inf)
  T best = 0;
  __device__ void add(T x, int64_t) {
    const T a = fabs(x);
    best = a > best || (isnan(a) && !isnan(best)) ? a : best;
  }
  __device__ void combine(const AbsMax& o) { add(o.best, 0); }
  __device__ AbsMax down(int k) const { return {shfl(best, k)}; }
};

template <class T>
struct PowSum {  // sum |x|^p
  double p = 2;
  Acc<T> s = 0;
  __device__ void add(T x, int64_t) {
    if (p == 2) s += Acc<T>(x) * x;
    else if (p == 1) s += fabs(x);
    else s += pow(fabs(Acc<T>(x)), p);
  }
  __device__ void combine(const PowSum& o) { s += o.s; }
  __device__ PowSum down(int k) const { return {p, shfl(s, k)}; }
};

template <class T>
struct ShiftedExpSum {  // sum exp(x - m) for the row's finite max m
  T m = 0;
  Acc<T> s = 0;
  __device__ void add(T x, int64_t) { s += exp(x - m); }
  __device__ void combine(const ShiftedExpSum& o) { s += o.s; }
  __device__ ShiftedExpSum down(int k) const { return {m, shfl(s, k)}; }
};

struct Deviations {  // sums of d = x - mean and d^2 (Chan, Golub & LeVeque 1983, eq. 1.7)
  double mean = 0, d = 0, d2 = 0;
  __device__ void add(double x, int64_t) {
    const double dx = x - mean;
    d += dx;
    d2 += dx * dx;
  }
  __device__ void combine(const Deviations& o) { d += o.d, d2 += o.d2; }
  __device__ Deviations down(int k) const { return {mean, shfl(d, k), shfl(d2, k)}; }
};

// ---------------------------------------------------------------- block reduction
// Offset in v of the row-major index i over dims [d0, d1).
template <class T>
__device__ int64_t offset_in(const View<T>& v, int d0, int d1, int64_t i) {
  int64_t off = 0;
  for (int d = d1 - 1; d >= d0; --d) {
    off += (i % v.size[d]) * v.stride[d];
    i /= v.size[d];
  }
  return off;
}

// The state of the whole row starting at `base` (cols elements over dims
// [kept, ndim) of in), returned to every thread of the block.
template <class T, class S>
__device__ S row_reduce(const View<const T>& in, int64_t base, int kept, int64_t cols, S s) {
  __shared__ alignas(16) unsigned char buffer[kWarps * 32];
  static_assert(sizeof(S) <= 32, "state too large for the shared buffer");
  S* part = reinterpret_cast<S*>(buffer);
  const S empty = s;
  for (int64_t j = threadIdx.x; j < cols; j += kThreads) s.add(in.data[base + offset_in(in, kept, in.ndim, j)], j);
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int k = 16; k > 0; k /= 2) s.combine(s.down(k));
  if (lane == 0) part[warp] = s;
  __syncthreads();
  if (warp == 0) {
    s = lane < kWarps ? part[lane] : empty;
    for (int k = 16; k > 0; k /= 2) s.combine(s.down(k));
  }
  __syncthreads();
  if (threadIdx.x == 0) part[0] = s;
  __syncthreads();
  s = part[0];
  __syncthreads();  // the buffer is free for the next row_reduce
  return s;
}

// ---------------------------------------------------------------- kernels
template <class T>
__device__ Acc<T> reduce_float_row(Reduce op, const View<const T>& in, int64_t base, int kept, int64_t cols,
                                   ReduceArgs args) {
  switch (op) {
    case Reduce::sum: return row_reduce(in, base, kept, cols, Sum<T>{}).s;
    case Reduce::prod: return row_reduce(in, base, kept, cols, Prod<T>{}).s;
    case Reduce::max: return row_reduce(in, base, kept, cols, Bound<T, true>{}).best;
    case Reduce::min: return row_reduce(in, base, kept, cols, Bound<T, false>{}).best;
    case Reduce::logsumexp: {
      const T m = row_reduce(in, base, kept, cols, Bound<T, true>{}).best;
      if (!isfinite(m)) return m;  // an infinite or NaN max is the answer
      return m + log(row_reduce(in, base, kept, cols, ShiftedExpSum<T>{m}).s);
    }
    case Reduce::norm: {
      const double p = args.p;
      if (isinf(p)) return row_reduce(in, base, kept, cols, AbsMax<T>{}).best;
      const Acc<T> s = row_reduce(in, base, kept, cols, PowSum<T>{p}).s;
      return p == 1 ? s : p == 2 ? sqrt(s) : pow(s, 1 / p);
    }
    case Reduce::var: {
      const double n = static_cast<double>(cols);
      const double mean = row_reduce(in, base, kept, cols, Sum<T>{}).s / n;
      const double dof = n - args.correction > 0 ? n - args.correction : 0;
      const Deviations a = row_reduce(in, base, kept, cols, Deviations{mean});
      return (a.d2 - a.d * a.d / n) / dof;
    }
  }
  return 0;
}

// Integers: sum, prod, max and min (the front-end dispatches no other op).
template <class T>
__device__ Acc<T> reduce_row(Reduce op, const View<const T>& in, int64_t base, int kept, int64_t cols,
                             ReduceArgs args) {
  if constexpr (std::is_floating_point_v<T>) {
    return reduce_float_row(op, in, base, kept, cols, args);
  } else {
    switch (op) {
      case Reduce::sum: return row_reduce(in, base, kept, cols, Sum<T>{}).s;
      case Reduce::prod: return row_reduce(in, base, kept, cols, Prod<T>{}).s;
      case Reduce::max: return row_reduce(in, base, kept, cols, Bound<T, true>{}).best;
      case Reduce::min: return row_reduce(in, base, kept, cols, Bound<T, false>{}).best;
      default: return 0;
    }
  }
}

template <class T>
__global__ void reduce_kernel(Reduce op, View<T> out, View<const T> in, int64_t rows, int64_t cols,
                              ReduceArgs args) {
  const int kept = out.ndim;
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const Acc<T> r = reduce_row(op, in, offset_in(in, 0, kept, row), kept, cols, args);
    if (threadIdx.x == 0) out.data[offset_of(out, row)] = static_cast<T>(r);
  }
}

template <class T, bool Max>
__global__ void arg_reduce_kernel(View<int64_t> index, View<T> value, View<const T> in, int64_t rows,
                                  int64_t cols) {
  const int kept = index.ndim;
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    Extremum<T, Max> e = row_reduce(in, offset_in(in, 0, kept, row), kept, cols, Extremum<T, Max>{});
    if (threadIdx.x == 0) {
      index.data[offset_of(index, row)] = e.index == INT64_MAX ? 0 : e.index;
      value.data[offset_of(value, row)] = e.best;
    }
  }
}

// ---------------------------------------------------------------- launchers
template <class T>
int64_t count(const View<T>& v, int d0, int d1) {
  int64_t n = 1;
  for (int d = d0; d < d1; ++d) n *= v.size[d];
  return n;
}

unsigned grid_rows(int64_t rows) { return static_cast<unsigned>(rows < (1 << 20) ? rows : (1 << 20)); }

}  // namespace

template <class T>
void reduce(Reduce op, View<T> out, View<const T> in, ReduceArgs args) {
  const int64_t rows = count(in, 0, out.ndim), cols = count(in, out.ndim, in.ndim);
  if (rows == 0) return;
  reduce_kernel<<<grid_rows(rows), kThreads, 0, stream(device_of(out.data))>>>(op, out, in, rows, cols, args);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void arg_reduce(Reduce op, View<int64_t> index, View<T> value, View<const T> in) {
  const int64_t rows = count(in, 0, index.ndim), cols = count(in, index.ndim, in.ndim);
  if (rows == 0) return;
  cudaStream_t s = stream(device_of(index.data));
  if (op == Reduce::max) arg_reduce_kernel<T, true><<<grid_rows(rows), kThreads, 0, s>>>(index, value, in, rows, cols);
  else arg_reduce_kernel<T, false><<<grid_rows(rows), kThreads, 0, s>>>(index, value, in, rows, cols);
  CUDA_CHECK_LAUNCH();
}

template void reduce<float>(Reduce, View<float>, View<const float>, ReduceArgs);
template void reduce<double>(Reduce, View<double>, View<const double>, ReduceArgs);
template void arg_reduce<float>(Reduce, View<int64_t>, View<float>, View<const float>);
template void arg_reduce<double>(Reduce, View<int64_t>, View<double>, View<const double>);
template void reduce<int64_t>(Reduce, View<int64_t>, View<const int64_t>, ReduceArgs);
template void arg_reduce<int64_t>(Reduce, View<int64_t>, View<int64_t>, View<const int64_t>);

}  // namespace nabla::kernels::cuda
