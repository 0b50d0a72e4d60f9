#pragma once
// The one error of the CPU-only build's CUDA stubs.
#include <stdexcept>
#include <string>

namespace nabla::kernels::cuda {
[[noreturn]] inline void no_cuda(const char* what) {
  throw std::runtime_error(std::string(what) + ": built without CUDA (configure with nvcc on PATH)");
}
}  // namespace nabla::kernels::cuda
