// CUDA eigh: one block per matrix runs the Jacobi steps of
// kernels/cuda/jacobi_steps.h between barriers, in double, in scratch from
// the caching allocator. Deterministic: the sums of squares reduce in a
// fixed tree (block_reduce.cuh) and every other step writes disjoint entries.
#include <algorithm>
#include <cstdint>

#include "kernels/cuda/block_reduce.cuh"
#include "kernels/cuda/eigh.h"
#include "kernels/cuda/jacobi_steps.h"
#include "kernels/cuda/batch_offset.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/device.h"

namespace nabla::kernels::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int64_t kScratchBudget = int64_t{1} << 25;  // doubles of scratch per launch (256 MiB)

// Block z solves matrix b0 + z with scratch + z work_size(n).
template <class T>
__global__ void __launch_bounds__(kThreads) eigh_kernel(View<T> values, View<T> vectors, View<const T> a,
                                                        double* scratch, int64_t b0) {
  const int nd = a.ndim;
  const int64_t n = a.size[nd - 1], b = b0 + blockIdx.x;
  double* base = scratch + blockIdx.x * jacobi::work_size(n);
  const jacobi::Work w{base, base + n * n, base + 2 * n * n, n};
  const int64_t t = threadIdx.x, nt = kThreads;

  jacobi::load(w, a.data + batch_offset(a, 2, b), a.stride[nd - 2], a.stride[nd - 1], t, nt);
  __syncthreads();
  double off, all, unused;
  jacobi::squares(w, t, nt, off, all);
  all = block_all_reduce<kThreads>(all, Plus<double>{}, 0.0);  // ||A0||_F^2, the reference of every test
  for (int sweep = 0; sweep < jacobi::kMaxSweeps; ++sweep) {
    jacobi::squares(w, t, nt, off, unused);
    off = block_all_reduce<kThreads>(off, Plus<double>{}, 0.0);
    if (jacobi::converged(off, all)) break;  // the same value in every thread: a uniform branch
    for (int64_t r = 0; r < jacobi::rounds(n); ++r) {
      jacobi::rotations(w, r, t, nt);
      __syncthreads();
      jacobi::rotate_rows(w, r, t, nt);
      __syncthreads();
      jacobi::rotate_columns(w, r, t, nt);
      __syncthreads();
    }
  }
  jacobi::store(w, values.data + batch_offset(values, 1, b), values.stride[nd - 2],
                vectors.data + batch_offset(vectors, 2, b), vectors.stride[nd - 2], vectors.stride[nd - 1], t, nt);
}

}  // namespace

template <class T>
void eigh(View<T> values, View<T> vectors, View<const T> a) {
  const int nd = a.ndim;
  const int64_t n = a.size[nd - 1];
  int64_t batch = 1;
  for (int d = 0; d < nd - 2; ++d) batch *= a.size[d];
  if (batch == 0 || n == 0) return;
  const int dev = device_of(values.data);
  const cudaStream_t st = stream(dev);
  const int64_t per = jacobi::work_size(n);
  const int64_t chunk = std::clamp<int64_t>(kScratchBudget / per, 1, std::min<int64_t>(batch, 65535));
  // Freed at scope exit into the cache: stream order makes its reuse safe.
  struct Scratch {
    double* data;
    int device;
    ~Scratch() { cuda::free(data, device); }
  } scratch{static_cast<double*>(cuda::malloc(sizeof(double) * per * chunk, dev)), dev};
  for (int64_t b0 = 0; b0 < batch; b0 += chunk) {
    const unsigned blocks = static_cast<unsigned>(std::min(chunk, batch - b0));
    eigh_kernel<T><<<blocks, kThreads, 0, st>>>(values, vectors, a, scratch.data, b0);
    CUDA_CHECK_LAUNCH();
  }
}

template void eigh<float>(View<float>, View<float>, View<const float>);
template void eigh<double>(View<double>, View<double>, View<const double>);

}  // namespace nabla::kernels::cuda
