// Devices, their default streams, and copies between host and device memory.
#include <mutex>
#include <vector>

#include "kernels/cuda/launch.cuh"
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

cudaStream_t stream(int device) {
  static std::mutex mutex;
  static std::vector<cudaStream_t> streams;
  CUDA_CHECK(cudaSetDevice(device));
  std::lock_guard lock(mutex);
  if (streams.size() <= static_cast<size_t>(device)) streams.resize(device + 1, nullptr);
  if (!streams[device]) CUDA_CHECK(cudaStreamCreate(&streams[device]));
  return streams[device];
}

int device_of(const void* ptr) {
  cudaPointerAttributes attr{};
  CUDA_CHECK(cudaPointerGetAttributes(&attr, ptr));
  return attr.device;
}

void memcpy(void* dst, const void* src, size_t nbytes, int device) {
  if (nbytes == 0) return;
  cudaStream_t s = stream(device);
  CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDefault, s));
  CUDA_CHECK(cudaStreamSynchronize(s));
}

void synchronize(int device) { CUDA_CHECK(cudaStreamSynchronize(stream(device))); }

}  // namespace nabla::kernels::cuda
