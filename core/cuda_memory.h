#pragma once
// The CUDA caching allocator's figures and controls, for users and tests.
#include <cstddef>

namespace nabla {

// Bytes on one device (zeros in a build without CUDA or before the device's
// first allocation).
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
