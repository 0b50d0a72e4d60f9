// CUDA cumsum: one thread per row (see kernels/cuda/scan.h).
#include <cstdint>
#include <type_traits>

#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/scan.h"

namespace nabla::kernels::cuda {

namespace {

// Offset of row r (row-major over the first `nd` dims) in v.
template <class T>
__device__ int64_t row_offset(const View<T>& v, int nd, int64_t r) {
  int64_t off = 0;
  for (int d = nd - 1; d >= 0; --d) {
    off += (r % v.size[d]) * v.stride[d];
    r /= v.size[d];
  }
  return off;
}

template <class T>
__global__ void cumsum_kernel(View<T> out, View<const T> in, bool reverse, int64_t rows) {
  const int last = in.ndim - 1;
  const int64_t n = in.size[last], si = in.stride[last], so = out.stride[last];
  for (int64_t r = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; r < rows; r += int64_t(gridDim.x) * blockDim.x) {
    const T* x = in.data + row_offset(in, last, r);
    T* y = out.data + row_offset(out, last, r);
    std::conditional_t<std::is_floating_point_v<T>, double, uint64_t> acc = 0;  // the CPU's: i64 wraps
    for (int64_t k = 0; k < n; ++k) {
      const int64_t j = reverse ? n - 1 - k : k;
      acc += x[j * si];
      y[j * so] = T(acc);
    }
  }
}

}  // namespace

template <class T>
void cumsum(View<T> out, View<const T> in, bool reverse) {
  if (out.numel() == 0) return;
  View<T> o = out;
  View<const T> x = in;
  if (in.ndim == 0) {  // a 0-d tensor is its own running sum: one row of one
    o.ndim = x.ndim = 1;
    o.size[0] = x.size[0] = 1;
    o.stride[0] = x.stride[0] = 1;
  }
  const int64_t rows = o.numel() / o.size[o.ndim - 1];
  cumsum_kernel<<<grid_for(rows), kBlock, 0, stream(device_of(o.data))>>>(o, x, reverse, rows);
  CUDA_CHECK_LAUNCH();
}

template void cumsum<float>(View<float>, View<const float>, bool);
template void cumsum<double>(View<double>, View<const double>, bool);
template void cumsum<int64_t>(View<int64_t>, View<const int64_t>, bool);

}  // namespace nabla::kernels::cuda
