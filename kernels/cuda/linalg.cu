// CUDA matmul, chosen per call by Backend: ours (gemm.h: float exact fp32 or
// TF32 tensor cores, double) or cuBLAS (fp32 math, or TF32 tensor-op math for
// float).
#include <cublas_v2.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/cuda/copy.h"
#include "kernels/cuda/gemm.h"
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

// Our kernels (gemm.h): TF32 only for float under Backend::tf32.
template <class T>
void hand(View<T> out, View<const T> a, View<const T> b, bool tf32) {
  const int r = out.ndim - 2;
  const int64_t M = out.size[r], N = out.size[r + 1], K = a.size[r + 1];
  gemm::run<T>({out.data, out.stride[r], out.stride[r + 1]}, {a.data, a.stride[r], a.stride[r + 1]},
               {b.data, b.stride[r], b.stride[r + 1]}, M, N, K, batch_of(out, a, b), tf32, device_of(out.data));
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
  hand(out, a, b, is_float && backend == Backend::tf32);
}

template void matmul<float>(View<float>, View<const float>, View<const float>, Backend);
template void matmul<double>(View<double>, View<const double>, View<const double>, Backend);

}  // namespace nabla::kernels::cuda
