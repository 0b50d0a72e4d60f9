// The CPU-only build's stand-in for kernels/cuda/device.cu and allocator.cu.
#include "kernels/device.h"
#include "kernels/no_cuda/no_cuda.h"

namespace nabla::kernels::cuda {
int device_count() { return 0; }
int multiprocessor_count(int) { no_cuda("cuda multiprocessor_count"); }
void* malloc(size_t, int) { no_cuda("cuda malloc"); }
void free(void*, int) { no_cuda("cuda free"); }
void memcpy(void*, const void*, size_t, int) { no_cuda("cuda memcpy"); }
void memcpy_device(void*, const void*, size_t, int) { no_cuda("cuda memcpy"); }
void synchronize(int) { no_cuda("cuda synchronize"); }
struct CapturedGraph {};
int begin_capture(int) { no_cuda("cuda graph capture"); }
CapturedGraph* end_capture(int, int) { no_cuda("cuda graph capture"); }
void abort_capture(int, int) noexcept {}
void launch_graph(CapturedGraph*) { no_cuda("cuda graph replay"); }
void destroy_graph(CapturedGraph*) noexcept {}
int capturing_device() { return -1; }
int pool_begin(int) { no_cuda("cuda graph pool"); }
void pool_end(int) {}
void pool_release(int, int) {}
MemoryStats memory_stats(int) { return {}; }
void reset_peak(int) {}
void empty_cache(int) {}
void inject_malloc_failures(int) {}
}  // namespace nabla::kernels::cuda
