#pragma once
// What CPU storages hold right now: the bytes asked for and the buffers
// alive. Flat across training steps when nothing leaks (`nabla train
// --log-memory`, tools/soak). The CUDA side is core/cuda_memory.h.
#include <cstdint>

namespace nabla {

struct CpuMemoryStats {
  uint64_t live_bytes = 0;
  uint64_t live_storages = 0;
};
CpuMemoryStats cpu_memory_stats();

}  // namespace nabla
