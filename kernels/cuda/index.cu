// CUDA indexing kernels: one thread per output element (gather, flip,
// one_hot) or per line along the scattered dim (scatter_add, which must not
// use float atomics: their order would change the sums from run to run).
#include <cstdint>

#include "kernels/cuda/index.h"
#include "kernels/cuda/launch.cuh"

namespace nabla::kernels::cuda {

namespace {

#define NABLA_GRID_STRIDE(i, n) \
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

template <class T>
__global__ void gather_kernel(View<T> out, View<const T> in, int dim, View<const int64_t> index, int64_t n) {
  NABLA_GRID_STRIDE(i, n) {
    int64_t o = 0, ix = 0, src = 0, rest = i;
    for (int d = out.ndim - 1; d >= 0; --d) {
      const int64_t c = rest % out.size[d];
      rest /= out.size[d];
      o += c * out.stride[d];
      ix += c * index.stride[d];
      if (d != dim) src += c * in.stride[d];
    }
    out.data[o] = in.data[src + index.data[ix] * in.stride[dim]];
  }
}

// Thread `line` owns the line of index/src whose coordinates outside `dim`
// are line's row-major digits over index's sizes with dim left out.
template <class T>
__global__ void scatter_add_kernel(View<T> out, int dim, View<const int64_t> index, View<const T> src,
                                   int64_t lines) {
  NABLA_GRID_STRIDE(line, lines) {
    int64_t o = 0, ix = 0, s = 0, rest = line;
    for (int d = index.ndim - 1; d >= 0; --d) {
      if (d == dim) continue;
      const int64_t c = rest % index.size[d];
      rest /= index.size[d];
      o += c * out.stride[d];
      ix += c * index.stride[d];
      s += c * src.stride[d];
    }
    const int64_t len = index.size[dim];
    for (int64_t j = 0; j < len; ++j)
      out.data[o + index.data[ix + j * index.stride[dim]] * out.stride[dim]] += src.data[s + j * src.stride[dim]];
  }
}

template <class T>
__global__ void flip_kernel(View<T> out, View<const T> in, uint32_t dims, int64_t n) {
  NABLA_GRID_STRIDE(i, n) {
    int64_t o = 0, src = 0, rest = i;
    for (int d = out.ndim - 1; d >= 0; --d) {
      const int64_t c = rest % out.size[d];
      rest /= out.size[d];
      o += c * out.stride[d];
      src += ((dims >> d) & 1u ? out.size[d] - 1 - c : c) * in.stride[d];
    }
    out.data[o] = in.data[src];
  }
}

// out has index's dims followed by the class dim.
template <class T>
__global__ void one_hot_kernel(View<T> out, View<const int64_t> index, int64_t n) {
  NABLA_GRID_STRIDE(i, n) {
    int64_t o = 0, ix = 0, rest = i;
    for (int d = index.ndim - 1; d >= 0; --d) {
      const int64_t c = rest % index.size[d];
      rest /= index.size[d];
      o += c * out.stride[d];
      ix += c * index.stride[d];
    }
    out.data[o + index.data[ix] * out.stride[out.ndim - 1]] = T(1);
  }
}

#undef NABLA_GRID_STRIDE

}  // namespace

template <class T>
void gather(View<T> out, View<const T> in, int dim, View<const int64_t> index) {
  const int64_t n = out.numel();
  if (n == 0) return;
  gather_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out, in, dim, index, n);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void scatter_add(View<T> out, int dim, View<const int64_t> index, View<const T> src) {
  const int64_t n = index.numel();
  if (n == 0) return;
  const int64_t lines = n / index.size[dim];
  scatter_add_kernel<<<grid_for(lines), kBlock, 0, stream(device_of(out.data))>>>(out, dim, index, src, lines);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void flip(View<T> out, View<const T> in, uint32_t dims) {
  const int64_t n = out.numel();
  if (n == 0) return;
  flip_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out, in, dims, n);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void one_hot(View<T> out, View<const int64_t> index) {
  const int64_t n = index.numel();
  if (n == 0) return;
  one_hot_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out, index, n);
  CUDA_CHECK_LAUNCH();
}

// Every dtype of the CPU kernels: copies for all, scatter_add for the numbers.
#define NABLA_INSTANTIATE(T)                                                               \
  template void gather<T>(View<T>, View<const T>, int, View<const int64_t>);               \
  template void flip<T>(View<T>, View<const T>, uint32_t);                                 \
  template void one_hot<T>(View<T>, View<const int64_t>);
#define NABLA_ADD(T) template void scatter_add<T>(View<T>, int, View<const int64_t>, View<const T>);
NABLA_INSTANTIATE(float)
NABLA_INSTANTIATE(double)
NABLA_INSTANTIATE(int64_t)
NABLA_INSTANTIATE(uint8_t)
NABLA_INSTANTIATE(bool)
NABLA_ADD(float)
NABLA_ADD(double)
NABLA_ADD(int64_t)
NABLA_ADD(uint8_t)
#undef NABLA_ADD
#undef NABLA_INSTANTIATE

}  // namespace nabla::kernels::cuda
