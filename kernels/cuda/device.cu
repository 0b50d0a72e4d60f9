// Device memory for the CUDA backend: plain cudaMalloc for now; the caching
// allocator arrives with the CUDA-backend issue.
#include "kernels/cuda/check.cuh"
#include "kernels/device.h"

namespace nabla::kernels::cuda {

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error: no driver means no devices
    return 0;
  }
  return n;
}

void* malloc(size_t nbytes, int device) {
  CUDA_CHECK(cudaSetDevice(device));
  void* ptr = nullptr;
  CUDA_CHECK(cudaMalloc(&ptr, nbytes == 0 ? 1 : nbytes));
  return ptr;
}

void free(void* ptr, int device) {
  if (cudaSetDevice(device) == cudaSuccess) cudaFree(ptr);  // never throw from a deleter
}

void memcpy(void* dst, const void* src, size_t nbytes, int device) {
  CUDA_CHECK(cudaSetDevice(device));
  CUDA_CHECK(cudaMemcpy(dst, src, nbytes, cudaMemcpyDefault));
}

}  // namespace nabla::kernels::cuda
