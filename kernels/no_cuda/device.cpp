// The CPU-only build's stand-in for kernels/cuda/device.cu.
#include <stdexcept>
#include <string>

#include "kernels/device.h"

namespace nabla::kernels::cuda {
namespace {
[[noreturn]] void no_cuda(const char* what) {
  throw std::runtime_error(std::string(what) + ": built without CUDA (configure with nvcc on PATH)");
}
}  // namespace
int device_count() { return 0; }
void* malloc(size_t, int) { no_cuda("cuda malloc"); }
void free(void*, int) { no_cuda("cuda free"); }
void memcpy(void*, const void*, size_t, int) { no_cuda("cuda memcpy"); }
}  // namespace nabla::kernels::cuda
