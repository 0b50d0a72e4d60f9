// Devices, their default streams, and copies between host and device memory.
#include <array>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>
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

int multiprocessor_count(int device) {
  static std::array<std::atomic<int>, 64> counts{};
  if (device < 0 || device >= 64) throw std::invalid_argument("multiprocessor_count: no device " + std::to_string(device));
  int n = counts[device].load();
  if (n == 0) {
    CUDA_CHECK(cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, device));
    counts[device].store(n);
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
  // A captured step runs on one device: its launches go to the capturing
  // stream without a driver query (none is needed inside a capture).
  if (const int d = capturing_device(); d >= 0) return d;
  cudaPointerAttributes attr{};
  CUDA_CHECK(cudaPointerGetAttributes(&attr, ptr));
  return attr.device;
}

namespace {
void refuse_in_capture(int device, const char* what) {
  if (capturing_device() == device)
    throw std::runtime_error(std::string("cuda graph: ") + what +
                             " inside a captured step (it waits for the device, which a capture cannot): read "
                             "values such as losses after replay(), from the step's output tensors");
}
}  // namespace

void memcpy(void* dst, const void* src, size_t nbytes, int device) {
  if (nbytes == 0) return;
  refuse_in_capture(device, "a copy between host and device memory (Tensor::item(), to(cpu), ...)");
  cudaStream_t s = stream(device);
  CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDefault, s));
  CUDA_CHECK(cudaStreamSynchronize(s));
}

void memcpy_device(void* dst, const void* src, size_t nbytes, int device) {
  if (nbytes == 0) return;
  CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDeviceToDevice, stream(device)));
}

void synchronize(int device) {
  refuse_in_capture(device, "synchronize");
  CUDA_CHECK(cudaStreamSynchronize(stream(device)));
}

}  // namespace nabla::kernels::cuda
