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
// Streaming multiprocessors of `device`, asked once and remembered.
int multiprocessor_count(int device);
// Device memory from the caching allocator (kernels/cuda/allocator.cu): a
// freed block goes back to a size-binned free list of its device and is
// reused in stream order. Out of memory: the cache is released and the
// allocation retried once, then std::runtime_error names the size and stats.
void* malloc(size_t nbytes, int device);
void free(void* ptr, int device);
// Copies nbytes between host and device memory or two device buffers (kinds
// inferred by the runtime) on the default stream; returns when it is done.
void memcpy(void* dst, const void* src, size_t nbytes, int device);
// Copies nbytes between two device buffers of `device`, queued on its
// stream like a kernel (no wait): capturable into a CUDA graph.
void memcpy_device(void* dst, const void* src, size_t nbytes, int device);
// Waits for every launch queued on the device's stream.
void synchronize(int device);

// CUDA graphs (kernels/cuda/graph.cu; core/cuda_graph.h is the user's side).
// begin_capture starts capturing the device's stream (thread-local mode) and
// routes the allocator into a fresh private pool (see allocator.cu); returns
// the pool's id. end_capture instantiates what was captured: the graph owns
// the pool until destroy_graph. abort_capture abandons a capture (after an
// exception) and releases its pool. While a capture is under way, host
// copies and synchronize() throw (they cannot be captured) and device_of()
// answers the capturing device without asking the driver.
struct CapturedGraph;
int begin_capture(int device);
CapturedGraph* end_capture(int device, int pool);
void abort_capture(int device, int pool) noexcept;
void launch_graph(CapturedGraph* graph);
void destroy_graph(CapturedGraph* graph) noexcept;
// The device being captured now, or -1.
int capturing_device();

// The allocator's private pools (allocator.cu): between pool_begin and
// pool_end every allocation of the device comes from the new pool (its free
// list, else cudaMalloc) and every free goes to the block's own live pool,
// else to the new pool (a block freed during capture may have been used by
// the captured work, so only the graph's replays may reuse it). A pool's
// blocks are never handed out outside their capture. pool_release gives the
// pool's free blocks (and, when freed later, its live ones) to the ordinary
// free lists.
int pool_begin(int device);
void pool_end(int device);
void pool_release(int device, int pool);

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
// Test hook: the allocator's next n cudaMalloc calls (any device) fail as
// out of memory without asking the driver; n = 0 ends it. It makes the
// out-of-memory paths testable on any GPU: the cache emptied and the call
// retried once, then the clear error.
void inject_malloc_failures(int n);
}  // namespace nabla::kernels::cuda
