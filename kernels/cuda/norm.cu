// CUDA batch/layer norm forward: one block of kThreads per group (grid-stride
// over groups), as kernels/cpu/norm.cpp: mean = sum x / n, var = sum (x -
// mean)^2 / n (two passes, sums in double for float, fixed-order block
// reductions), rstd = 1 / sqrt(var + eps), out = (x - mean) rstd w + b.
// scale_shift (eval-mode batch norm) is a grid-stride elementwise kernel.
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/norm.h"

namespace nabla::kernels::cuda {

namespace {

constexpr int kThreads = 256;

template <class T>
using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;

// Offset in v of index i over dims [d0, d1), with the sizes of `sizes`.
template <class T>
__device__ int64_t offset_in(const View<T>& v, const int64_t* sizes, int d0, int d1, int64_t i) {
  int64_t off = 0;
  for (int d = d1 - 1; d >= d0; --d) {
    off += (i % sizes[d]) * v.stride[d];
    i /= sizes[d];
  }
  return off;
}

template <class T>
__global__ void norm_kernel(View<T> out, View<T> mean, View<T> rstd, View<T> var, View<const T> in,
                            View<const T> w, View<const T> b, double eps, int64_t groups, int64_t count) {
  const int kept = mean.ndim, nd = in.ndim;
  for (int64_t g = blockIdx.x; g < groups; g += gridDim.x) {
    const int64_t bx = offset_in(in, in.size, 0, kept, g), by = offset_in(out, in.size, 0, kept, g);
    const int64_t bw = w.data ? offset_in(w, in.size, 0, kept, g) : 0;
    const int64_t bb = b.data ? offset_in(b, in.size, 0, kept, g) : 0;
    Acc<T> s = 0;
    for (int64_t j = threadIdx.x; j < count; j += kThreads) s += in.data[bx + offset_in(in, in.size, kept, nd, j)];
    s = block_all_reduce<kThreads>(s, Plus<Acc<T>>{}, Acc<T>(0));
    const Acc<T> m = s / static_cast<Acc<T>>(count);
    Acc<T> ss = 0;
    for (int64_t j = threadIdx.x; j < count; j += kThreads) {
      const Acc<T> c = in.data[bx + offset_in(in, in.size, kept, nd, j)] - m;
      ss += c * c;
    }
    ss = block_all_reduce<kThreads>(ss, Plus<Acc<T>>{}, Acc<T>(0));
    const Acc<T> v = ss / static_cast<Acc<T>>(count);
    const T mt = static_cast<T>(m);
    const T r = static_cast<T>(Acc<T>(1) / sqrt(v + static_cast<Acc<T>>(eps)));
    for (int64_t j = threadIdx.x; j < count; j += kThreads) {
      T h = (in.data[bx + offset_in(in, in.size, kept, nd, j)] - mt) * r;
      if (w.data) h *= w.data[bw + offset_in(w, in.size, kept, nd, j)];
      if (b.data) h += b.data[bb + offset_in(b, in.size, kept, nd, j)];
      out.data[by + offset_in(out, in.size, kept, nd, j)] = h;
    }
    if (threadIdx.x == 0) {
      mean.data[offset_of(mean, g)] = mt;
      rstd.data[offset_of(rstd, g)] = r;
      if (var.data) var.data[offset_of(var, g)] = static_cast<T>(v);
    }
  }
}

template <class T>
__global__ void scale_shift_kernel(View<T> out, View<const T> in, View<const T> a, View<const T> b, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out.data[offset_of(out, i)] = in.data[offset_of(in, i)] * a.data[offset_of(a, i)] + b.data[offset_of(b, i)];
}

}  // namespace

template <class T>
void norm_forward(View<T> out, View<T> mean, View<T> rstd, View<T> var, View<const T> in, View<const T> weight,
                  View<const T> bias, double eps) {
  const int64_t groups = mean.numel();
  int64_t count = 1;
  for (int d = mean.ndim; d < in.ndim; ++d) count *= in.size[d];
  if (groups == 0) return;
  const unsigned grid = static_cast<unsigned>(groups < (1 << 20) ? groups : (1 << 20));
  norm_kernel<<<grid, kThreads, 0, stream(device_of(mean.data))>>>(out, mean, rstd, var, in, weight, bias, eps,
                                                                    groups, count);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void scale_shift(View<T> out, View<const T> in, View<const T> scale, View<const T> shift) {
  const int64_t n = out.numel();
  if (n == 0) return;
  scale_shift_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out, in, scale, shift, n);
  CUDA_CHECK_LAUNCH();
}

#define NABLA_INSTANTIATE(T)                                                                          \
  template void norm_forward<T>(View<T>, View<T>, View<T>, View<T>, View<const T>, View<const T>, \
                                View<const T>, double);                                           \
  template void scale_shift<T>(View<T>, View<const T>, View<const T>, View<const T>);
NABLA_INSTANTIATE(float)
NABLA_INSTANTIATE(double)
#undef NABLA_INSTANTIATE

}  // namespace nabla::kernels::cuda
