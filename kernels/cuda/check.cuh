#pragma once
// CUDA_CHECK: every CUDA runtime call, checked, with file and line in the error.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace nabla::kernels::cuda {
inline void check(cudaError_t err, const char* expr, const char* file, int line) {
  if (err == cudaSuccess) return;
  throw std::runtime_error(std::string("CUDA error ") + cudaGetErrorName(err) + " (" +
                           cudaGetErrorString(err) + ") in " + expr + " at " + file + ":" +
                           std::to_string(line));
}
}  // namespace nabla::kernels::cuda

#define CUDA_CHECK(expr) ::nabla::kernels::cuda::check((expr), #expr, __FILE__, __LINE__)
