// gemm::run (gemm.h): picks and launches our GEMM kernel for a call of
// matmul or conv. float: gemm_f32.cuh's sgemm (tile by shape) or tf32 kernel;
// double: gemm.cuh's gemm_tiled.
#include <array>
#include <atomic>
#include <cstdint>
#include <type_traits>

#include "kernels/cuda/gemm.cuh"
#include "kernels/cuda/gemm.h"
#include "kernels/cuda/gemm_f32.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/device.h"

namespace nabla::kernels::cuda::gemm {

namespace {

// An operand takes 16-byte copies when its tile rows are contiguous
// (unit_stride 1) and every row start, in every batch entry, is 16-byte
// aligned; C takes float4 stores on the same terms.
bool vector_ok(const void* data, int64_t unit_stride, int64_t row_stride, const int64_t* batch_strides, int nbatch) {
  bool ok = reinterpret_cast<uintptr_t>(data) % 16 == 0 && unit_stride == 1 && row_stride % 4 == 0;
  for (int d = 0; d < nbatch; ++d) ok = ok && batch_strides[d] % 4 == 0;
  return ok;
}

// The float kernels as class templates over (VecA, VecB), with their tiles.
template <int BS>
struct Sgemm {
  template <bool VA, bool VB>
  struct Of {
    using Tl = f32::Tile<BS, BS>;
    static constexpr auto fn = f32::sgemm<BS, VA, VB>;
  };
};
template <bool VA, bool VB>
struct Tf32 {
  using Tl = f32::Tile<128, 256>;
  static constexpr auto fn = f32::tf32_128x256<VA, VB>;
};

// Launches Kernel<VA, VB>::fn with its dynamic shared memory; the size
// limit is raised once per device (bit d of `raised`).
template <template <bool, bool> class Kernel, bool VA, bool VB>
void launch_one(dim3 grid, cudaStream_t st, int device, Mat<float> c, Mat<const float> a, Mat<const float> b,
                int64_t M, int64_t N, int64_t K, const Batch& batch, bool vec_c) {
  constexpr auto kernel = Kernel<VA, VB>::fn;
  constexpr int bytes = Kernel<VA, VB>::Tl::kSmemBytes;
  static std::atomic<uint64_t> raised{0};
  const uint64_t bit = device < 64 ? uint64_t(1) << device : 0;
  if (!bit || !(raised.load() & bit)) {
    CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
    raised.fetch_or(bit);
  }
  kernel<<<grid, f32::kThreads, bytes, st>>>(c, a, b, M, N, K, batch, vec_c);
  CUDA_CHECK_LAUNCH();
}

template <template <bool, bool> class Kernel>
void launch_f32(Mat<float> c, Mat<const float> a, Mat<const float> b, int64_t M, int64_t N, int64_t K,
                const Batch& batch, int device) {
  using Tl = typename Kernel<true, true>::Tl;
  const int nb = batch.ndim;
  // A's tile rows run along m (stride a.rs), B's along n (b.cs), C's along n.
  const bool vec_a = vector_ok(a.data, a.rs, a.cs, batch.stride_a, nb);
  const bool vec_b = vector_ok(b.data, b.cs, b.rs, batch.stride_b, nb);
  const bool vec_c = vector_ok(c.data, c.cs, c.rs, batch.stride_c, nb);
  const dim3 grid(static_cast<unsigned>((N + Tl::BN - 1) / Tl::BN), static_cast<unsigned>((M + Tl::BM - 1) / Tl::BM),
                  static_cast<unsigned>(grid_z(batch.count)));
  const cudaStream_t st = stream(device);
  if (vec_a && vec_b) launch_one<Kernel, true, true>(grid, st, device, c, a, b, M, N, K, batch, vec_c);
  else if (vec_a) launch_one<Kernel, true, false>(grid, st, device, c, a, b, M, N, K, batch, vec_c);
  else if (vec_b) launch_one<Kernel, false, true>(grid, st, device, c, a, b, M, N, K, batch, vec_c);
  else launch_one<Kernel, false, false>(grid, st, device, c, a, b, M, N, K, batch, vec_c);
}

}  // namespace

template <class T>
void run(Mat<T> c, Mat<const T> a, Mat<const T> b, int64_t M, int64_t N, int64_t K, const Batch& batch, bool tf32,
         int device) {
  if (M == 0 || N == 0 || batch.count == 0) return;
  if constexpr (std::is_same_v<T, float>) {
    if (tf32) return launch_f32<Tf32>(c, a, b, M, N, K, batch, device);
    if (sgemm_tile(M, N, batch.count, multiprocessor_count(device)) == 64)
      return launch_f32<Sgemm<64>::template Of>(c, a, b, M, N, K, batch, device);
    return launch_f32<Sgemm<128>::template Of>(c, a, b, M, N, K, batch, device);
  } else {
    (void)tf32;
    const dim3 grid(static_cast<unsigned>((N + BN - 1) / BN), static_cast<unsigned>((M + BM - 1) / BM),
                    static_cast<unsigned>(grid_z(batch.count)));
    gemm_tiled<T><<<grid, kThreads, 0, stream(device)>>>(c, a, b, M, N, K, batch);
    CUDA_CHECK_LAUNCH();
  }
}

template void run<float>(Mat<float>, Mat<const float>, Mat<const float>, int64_t, int64_t, int64_t, const Batch&,
                         bool, int);
template void run<double>(Mat<double>, Mat<const double>, Mat<const double>, int64_t, int64_t, int64_t,
                          const Batch&, bool, int);

}  // namespace nabla::kernels::cuda::gemm
