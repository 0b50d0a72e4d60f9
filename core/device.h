#pragma once
// Where a tensor's storage lives: the CPU or CUDA device N.
#include <cstddef>
#include <string>

namespace nabla {

struct Device {
  enum class Type { cpu, cuda };
  Type type = Type::cpu;
  int index = 0;

  static Device cpu() { return {}; }
  static Device cuda(int index = 0) { return {Type::cuda, index}; }
  // "cpu", "cuda", "cuda:1"; anything else throws.
  static Device parse(const std::string& text);

  bool is_cpu() const { return type == Type::cpu; }
  bool is_cuda() const { return type == Type::cuda; }
  std::string str() const;
  bool operator==(const Device&) const = default;
};

// CUDA devices this process can use (0 without a driver or without CUDA).
int cuda_device_count();

// The CUDA caching allocator's figures for one device, in bytes (zeros in a
// build without CUDA or before the device's first allocation).
struct CudaMemoryStats {
  size_t allocated = 0;  // in blocks held by tensors now
  size_t reserved = 0;   // obtained from the driver: allocated + cached
  size_t peak = 0;       // the most `allocated` has been since reset_cuda_peak
  size_t cudamalloc_calls = 0;
};
CudaMemoryStats cuda_memory_stats(int device = 0);
void reset_cuda_peak(int device = 0);
// Gives every cached block of the device back to the driver.
void cuda_empty_cache(int device = 0);
// Waits for all work queued on the device's stream (for timing).
void cuda_synchronize(int device = 0);

}  // namespace nabla
