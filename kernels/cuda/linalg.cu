// CUDA matmul, chosen per call by Backend: ours (float: gemm_f32.cuh, exact
// fp32 or TF32 tensor cores; double: gemm.cuh) or cuBLAS (fp32 math, or TF32
// tensor-op math for float).
#include <cublas_v2.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/cuda/copy.h"
#include "kernels/cuda/gemm.cuh"
#include "kernels/cuda/gemm_f32.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/linalg.h"
#include "kernels/device.h"

#define CUBLAS_CHECK(expr)                                                                             \
  do {                                                                                                 \
    const cublasStatus_t status_ = (expr);                                                             \
    if (status_ != CUBLAS_STATUS_SUCCESS)                                                              \
      throw std::runtime_error(std::string("cuBLAS error ") + cublasGetStatusString(status_) + " in " + \
                               #expr + " at " + __FILE__ + ":" + std::to_string(__LINE__));            \
  } while (0)

namespace nabla::kernels::cuda {

namespace {

// ---------------------------------------------------------------- hand
template <class T>
gemm::Batch batch_of(const View<T>& out, const View<const T>& a, const View<const T>& b) {
  gemm::Batch batch;
  batch.ndim = out.ndim - 2;
  if (batch.ndim > 6) throw std::invalid_argument("matmul: at most 6 batch dims on CUDA");
  for (int d = 0; d < batch.ndim; ++d) {
    batch.size[d] = out.size[d];
    batch.count *= out.size[d];
    batch.stride_c[d] = out.stride[d], batch.stride_a[d] = a.stride[d], batch.stride_b[d] = b.stride[d];
  }
  return batch;
}

// float: gemm_f32.cuh's kernels. An operand takes 16-byte copies when its
// tile rows (m of A, n of B) are contiguous and every row start, in every
// batch entry, is 16-byte aligned; C takes float4 stores on the same terms.
bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }
bool vector_ok(const void* data, int64_t unit_stride, int64_t row_stride, const int64_t* batch_strides, int nbatch) {
  bool ok = aligned16(data) && unit_stride == 1 && row_stride % 4 == 0;
  for (int d = 0; d < nbatch; ++d) ok = ok && batch_strides[d] % 4 == 0;
  return ok;
}

// Launches Kernel<VA, VB>::fn with its dynamic shared memory; the size
// limit is raised once per device (bit d of `raised`).
template <template <bool, bool> class Kernel, bool VA, bool VB>
void launch_one(dim3 grid, cudaStream_t st, int device, gemm::Mat<float> c, gemm::Mat<const float> a,
                gemm::Mat<const float> b, int64_t M, int64_t N, int64_t K, const gemm::Batch& batch, bool vec_c) {
  constexpr auto kernel = Kernel<VA, VB>::fn;
  constexpr int bytes = Kernel<VA, VB>::Tl::kSmemBytes;
  static std::atomic<uint64_t> raised{0};
  const uint64_t bit = device < 64 ? uint64_t(1) << device : 0;
  if (!bit || !(raised.load() & bit)) {
    CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
    raised.fetch_or(bit);
  }
  kernel<<<grid, gemm::f32::kThreads, bytes, st>>>(c, a, b, M, N, K, batch, vec_c);
  CUDA_CHECK_LAUNCH();
}

template <template <bool, bool> class Kernel>
void launch_f32(const gemm::Batch& batch, int64_t M, int64_t N, int64_t K, bool vec_a, bool vec_b, bool vec_c,
                gemm::Mat<float> c, gemm::Mat<const float> a, gemm::Mat<const float> b, int device) {
  using Tl = typename Kernel<true, true>::Tl;
  const dim3 grid(static_cast<unsigned>((N + Tl::BN - 1) / Tl::BN),
                  static_cast<unsigned>((M + gemm::f32::BM - 1) / gemm::f32::BM),
                  static_cast<unsigned>(batch.count < 65535 ? batch.count : 65535));
  const cudaStream_t st = stream(device);
  if (vec_a && vec_b) launch_one<Kernel, true, true>(grid, st, device, c, a, b, M, N, K, batch, vec_c);
  else if (vec_a) launch_one<Kernel, true, false>(grid, st, device, c, a, b, M, N, K, batch, vec_c);
  else if (vec_b) launch_one<Kernel, false, true>(grid, st, device, c, a, b, M, N, K, batch, vec_c);
  else launch_one<Kernel, false, false>(grid, st, device, c, a, b, M, N, K, batch, vec_c);
}
template <bool VA, bool VB>
struct Sgemm {
  using Tl = gemm::f32::Tile<128>;
  static constexpr auto fn = gemm::f32::sgemm_128x128<VA, VB>;
};
template <bool VA, bool VB>
struct Tf32 {
  using Tl = gemm::f32::Tile<256>;
  static constexpr auto fn = gemm::f32::tf32_128x256<VA, VB>;
};

void hand_f32(View<float> out, View<const float> a, View<const float> b, bool tf32) {
  const int r = out.ndim - 2;
  const int64_t M = out.size[r], N = out.size[r + 1], K = a.size[r + 1];
  const gemm::Batch batch = batch_of(out, a, b);
  if (M == 0 || N == 0 || batch.count == 0) return;
  const int nb = batch.ndim;
  // A's tile rows run along m (stride a.stride[r]), B's along n (b.stride[r + 1]).
  const bool vec_a = vector_ok(a.data, a.stride[r], a.stride[r + 1], batch.stride_a, nb);
  const bool vec_b = vector_ok(b.data, b.stride[r + 1], b.stride[r], batch.stride_b, nb);
  const bool vec_c = vector_ok(out.data, out.stride[r + 1], out.stride[r], batch.stride_c, nb);
  const gemm::Mat<float> mc{out.data, out.stride[r], out.stride[r + 1]};
  const gemm::Mat<const float> ma{a.data, a.stride[r], a.stride[r + 1]}, mb{b.data, b.stride[r], b.stride[r + 1]};
  const int device = device_of(out.data);
  if (tf32) launch_f32<Tf32>(batch, M, N, K, vec_a, vec_b, vec_c, mc, ma, mb, device);
  else launch_f32<Sgemm>(batch, M, N, K, vec_a, vec_b, vec_c, mc, ma, mb, device);
}

// double (and conv's GEMM): gemm.cuh's 64 x 64 kernel.
template <class T>
void hand(View<T> out, View<const T> a, View<const T> b) {
  const int r = out.ndim - 2;
  const int64_t M = out.size[r], N = out.size[r + 1], K = a.size[r + 1];
  const gemm::Batch batch = batch_of(out, a, b);
  if (M == 0 || N == 0 || batch.count == 0) return;
  const dim3 grid(static_cast<unsigned>((N + gemm::BN - 1) / gemm::BN),
                  static_cast<unsigned>((M + gemm::BM - 1) / gemm::BM),
                  static_cast<unsigned>(batch.count < 65535 ? batch.count : 65535));
  gemm::gemm_tiled<T><<<grid, gemm::kThreads, 0, stream(device_of(out.data))>>>(
      {out.data, out.stride[r], out.stride[r + 1]}, {a.data, a.stride[r], a.stride[r + 1]},
      {b.data, b.stride[r], b.stride[r + 1]}, M, N, K, batch);
  CUDA_CHECK_LAUNCH();
}

// ---------------------------------------------------------------- vendor
cublasHandle_t handle(int device) {
  static std::mutex mutex;
  static std::vector<cublasHandle_t> handles;
  std::lock_guard lock(mutex);
  if (handles.size() <= static_cast<size_t>(device)) handles.resize(device + 1, nullptr);
  cudaStream_t s = stream(device);
  if (!handles[device]) CUBLAS_CHECK(cublasCreate(&handles[device]));
  CUBLAS_CHECK(cublasSetStream(handles[device], s));
  return handles[device];
}

// How cuBLAS (column-major) sees a row-major [rows, cols] matrix with strides
// (rs, cs): unit cs is its transpose stored with ld rs (op N); unit rs is the
// matrix itself stored with ld cs (op T).
struct Blas {
  bool ok = false;
  cublasOperation_t op = CUBLAS_OP_N;
  int64_t ld = 0;
};
Blas blas_layout(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  const int64_t min_ld_n = cols > 1 ? cols : 1, min_ld_t = rows > 1 ? rows : 1;
  if (cs == 1 || cols == 1) {
    const int64_t ld = rows == 1 ? min_ld_n : rs;
    if (ld >= min_ld_n) return {true, CUBLAS_OP_N, ld};
  }
  if (rs == 1 || rows == 1) {
    const int64_t ld = cols == 1 ? min_ld_t : cs;
    if (ld >= min_ld_t) return {true, CUBLAS_OP_T, ld};
  }
  return {};  // no unit stride, or broadcast rows (stride 0): copy first
}

// A contiguous device copy of v (for operands cuBLAS cannot read in place).
template <class T>
struct Contiguous {
  View<const T> view;
  T* buffer = nullptr;
  int device = 0;
  Contiguous(View<const T> v, int dev) : view(v), device(dev) {
    buffer = static_cast<T*>(cuda::malloc(v.numel() * sizeof(T), dev));
    View<T> dst = View<T>{buffer, v.ndim};
    for (int64_t d = v.ndim - 1, s = 1; d >= 0; s *= v.size[d], --d)
      dst.size[d] = v.size[d], dst.stride[d] = s;
    cast<T, T>(dst, v);
    view = dst.as_const();
  }
  ~Contiguous() { cuda::free(buffer, device); }
};

template <class T>
void gemm_call(cublasHandle_t h, cublasOperation_t opb, cublasOperation_t opa, int n, int m, int k, const T* B,
               int ldb, const T* A, int lda, T* C, int ldc) {
  const T one = 1, zero = 0;
  if constexpr (std::is_same_v<T, float>)
    CUBLAS_CHECK(cublasSgemm(h, opb, opa, n, m, k, &one, B, ldb, A, lda, &zero, C, ldc));
  else
    CUBLAS_CHECK(cublasDgemm(h, opb, opa, n, m, k, &one, B, ldb, A, lda, &zero, C, ldc));
}

// Row-major C = A B is column-major C^T = B^T A^T: cuBLAS gets (B, A) swapped.
template <class T>
void vendor(View<T> out, View<const T> a, View<const T> b, bool tf32) {
  const int r = out.ndim - 2;
  const int64_t M = out.size[r], N = out.size[r + 1], K = a.size[r + 1];
  if (M == 0 || N == 0) return;
  if (out.stride[r + 1] != 1 && N > 1) throw std::invalid_argument("matmul (cuBLAS): out must be row-major");
  const int device = device_of(out.data);
  if (K == 0) return fill<T>(out, T(0));
  auto layout = [&](const View<const T>& v, int64_t rows, int64_t cols) {
    return blas_layout(rows, cols, v.stride[r], v.stride[r + 1]);
  };
  Blas la = layout(a, M, K), lb = layout(b, K, N);
  std::unique_ptr<Contiguous<T>> ca, cb;
  if (!la.ok) ca = std::make_unique<Contiguous<T>>(a, device), a = ca->view, la = layout(a, M, K);
  if (!lb.ok) cb = std::make_unique<Contiguous<T>>(b, device), b = cb->view, lb = layout(b, K, N);
  const gemm::Batch batch = batch_of(out, a, b);
  cublasHandle_t h = handle(device);
  // The handle is shared: set its math mode on every call.
  CUBLAS_CHECK(cublasSetMathMode(h, tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  const int64_t ldc = M > 1 ? out.stride[r] : N;
  for (int64_t z = 0; z < batch.count; ++z) {
    int64_t oc = 0, oa = 0, ob = 0;
    for (int64_t d = batch.ndim - 1, i = z; d >= 0; --d) {
      const int64_t idx = i % batch.size[d];
      i /= batch.size[d];
      oc += idx * batch.stride_c[d], oa += idx * batch.stride_a[d], ob += idx * batch.stride_b[d];
    }
    gemm_call<T>(h, lb.op, la.op, static_cast<int>(N), static_cast<int>(M), static_cast<int>(K), b.data + ob,
                 static_cast<int>(lb.ld), a.data + oa, static_cast<int>(la.ld), out.data + oc,
                 static_cast<int>(ldc));
  }
}

}  // namespace

// TF32 applies to float only: double runs the exact paths.
template <class T>
void matmul(View<T> out, View<const T> a, View<const T> b, Backend backend) {
  constexpr bool is_float = std::is_same_v<T, float>;
  if (backend == Backend::vendor || backend == Backend::vendor_tf32)
    return vendor(out, a, b, is_float && backend == Backend::vendor_tf32);
  if constexpr (is_float) hand_f32(out, a, b, backend == Backend::tf32);
  else hand(out, a, b);
}

template void matmul<float>(View<float>, View<const float>, View<const float>, Backend);
template void matmul<double>(View<double>, View<const double>, View<const double>, Backend);

}  // namespace nabla::kernels::cuda
