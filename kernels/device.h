#pragma once
// Device memory and streams for the CUDA backend.
//
// How an op reaches its CUDA kernel (one shape for every op family):
//   kernels/<family>.h        the CPU entry points, namespace kernels::cpu
//   kernels/cuda/<family>.h   the CUDA entry points, namespace kernels::cuda:
//                             the same signatures over View<T> (device
//                             pointers), a plain C++ header without CUDA
//                             includes, instantiated for float and double
//   kernels/cuda/<family>.cu  their definitions (built when NABLA_CUDA is on)
//   kernels/no_cuda/<family>.cpp  the same symbols, throwing
//                             "<op>: built without CUDA" (built when it is off)
//   core/<family>.cpp         validates, then calls kernels::cpu::f<T> or
//                             kernels::cuda::f<T> by the tensors' device
//                             (`if (x.device().is_cuda())`): no #if anywhere
//                             in core/, the build picks cuda/ or no_cuda/.
// An op whose CUDA kernel does not exist yet keeps require_cpu(...) and throws
// "<op> has no CUDA kernel". Every launch and copy runs on the device's one
// default stream (kernels/cuda/launch.cuh); host reads synchronise it.
#include <cstddef>

namespace nabla::kernels::cuda {
// Number of usable CUDA devices; any driver or runtime error counts as zero.
int device_count();
// Device memory from the caching allocator (kernels/cuda/allocator.cu): a
// freed block goes back to a size-binned free list of its device and is
// reused in stream order. Out of memory: the cache is released and the
// allocation retried once, then std::runtime_error names the size and stats.
void* malloc(size_t nbytes, int device);
void free(void* ptr, int device);
// Copies nbytes between host and device memory or two device buffers (kinds
// inferred by the runtime) on the default stream; returns when it is done.
void memcpy(void* dst, const void* src, size_t nbytes, int device);
// Waits for every launch queued on the device's stream.
void synchronize(int device);

struct MemoryStats {
  size_t allocated = 0;  // bytes in blocks handed out now (rounded sizes)
  size_t reserved = 0;   // bytes obtained from cudaMalloc: handed out + cached
  size_t peak = 0;       // the most `allocated` has been since the last reset
  size_t cudamalloc_calls = 0;
};
MemoryStats memory_stats(int device);
void reset_peak(int device);
// Returns every cached (free) block to the driver.
void empty_cache(int device);
}  // namespace nabla::kernels::cuda
