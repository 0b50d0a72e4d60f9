#include "core/cuda_memory.h"

#include "kernels/device.h"

namespace nabla {

CudaMemoryStats cuda_memory_stats(int device) {
  const kernels::cuda::MemoryStats s = kernels::cuda::memory_stats(device);
  return {s.allocated, s.reserved, s.peak, s.cudamalloc_calls};
}
void reset_cuda_peak(int device) { kernels::cuda::reset_peak(device); }
void cuda_empty_cache(int device) { kernels::cuda::empty_cache(device); }
void cuda_synchronize(int device) { kernels::cuda::synchronize(device); }

}  // namespace nabla
