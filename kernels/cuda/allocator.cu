// The caching allocator: cudaMalloc is slow and synchronising, so freed
// blocks are kept in size-binned free lists per device and handed out again.
// Every launch and copy of a device runs on its one stream, so a block freed
// after queuing work on it can be reused at once: later work on the same
// stream runs after the earlier work that used it.
//
// Sizes are rounded up: to 512 bytes below 1 MiB, to 2 MiB above. A request
// takes the smallest cached block of at least its rounded size, if that block
// is less than twice as large (bigger blocks would waste too much memory).
//
// Private pools (CUDA graphs, kernels/device.h): while a capture is under
// way, allocations come from the capture's pool and frees go to a pool, so
// that the addresses a graph's kernels were captured with are never handed
// to anyone else while the graph lives; each replay reuses them in the
// captured order. A freed block of a live pool returns to that pool's free
// list; once the pool is released (the graph destroyed) its free blocks join
// the ordinary lists, and so do its live blocks when they are freed.
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "kernels/cuda/launch.cuh"
#include "kernels/device.h"

namespace nabla::kernels::cuda {

namespace {

constexpr size_t kSmall = 1 << 20;
size_t round_size(size_t n) {
  const size_t unit = n < kSmall ? 512 : (2u << 20);
  return n == 0 ? unit : (n + unit - 1) / unit * unit;
}

using FreeList = std::multimap<size_t, void*>;  // size -> cached block

struct Block {
  size_t size;
  int pool;  // 0: the ordinary lists; else the private pool it came from
};

struct DeviceCache {
  FreeList free_blocks;
  std::unordered_map<void*, Block> blocks;  // every live block
  MemoryStats stats;
  int capture_pool = 0;                     // the pool of a capture under way, or 0
};

// Never destroyed: a tensor freed during static destruction still finds them.
std::mutex& mutex = *new std::mutex;
std::vector<DeviceCache>& caches = *new std::vector<DeviceCache>;
std::map<int, FreeList>& pools = *new std::map<int, FreeList>;  // live pools by id
int next_pool = 1;
int injected_failures = 0;  // inject_malloc_failures: cudaMalloc calls still to fail

// cudaMalloc, or an out-of-memory answer while failures are injected.
cudaError_t device_malloc(void** ptr, size_t size) {
  if (injected_failures > 0) {
    --injected_failures;
    return cudaErrorMemoryAllocation;
  }
  return cudaMalloc(ptr, size);
}

DeviceCache& cache(int device) {
  if (caches.size() <= static_cast<size_t>(device)) caches.resize(device + 1);
  return caches[device];
}

void release_cached(int device, DeviceCache& c) {
  if (c.free_blocks.empty()) return;
  CUDA_CHECK(cudaSetDevice(device));
  CUDA_CHECK(cudaStreamSynchronize(stream(device)));
  for (auto& [size, ptr] : c.free_blocks) {
    CUDA_CHECK(cudaFree(ptr));
    c.stats.reserved -= size;
  }
  c.free_blocks.clear();
}

std::string describe(const MemoryStats& s) {
  return "allocated " + std::to_string(s.allocated) + " B, reserved " + std::to_string(s.reserved) +
         " B, peak " + std::to_string(s.peak) + " B";
}

void* fresh_block(int device, DeviceCache& c, size_t size, size_t requested) {
  CUDA_CHECK(cudaSetDevice(device));
  void* ptr = nullptr;
  cudaError_t err = cudaSuccess;
  if (c.capture_pool != 0) {
    // cudaMalloc counts as unsafe in a thread-local capture, yet it is fine
    // here: the graph gets the new address and its replays allocate nothing,
    // as long as the block is not freed to the driver while the graph lives
    // (the pool sees to that). So the thread relaxes its mode around it.
    cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
    CUDA_CHECK(cudaThreadExchangeStreamCaptureMode(&mode));
    err = device_malloc(&ptr, size);
    CUDA_CHECK(cudaThreadExchangeStreamCaptureMode(&mode));
  } else {
    err = device_malloc(&ptr, size);
  }
  // Not during a capture: cudaFree and synchronising cannot be captured.
  if (err == cudaErrorMemoryAllocation && c.capture_pool == 0) {  // free the cache, try once more
    cudaGetLastError();
    release_cached(device, c);
    err = device_malloc(&ptr, size);
  }
  if (err == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    throw std::runtime_error("cuda malloc: out of memory allocating " + std::to_string(requested) +
                             " bytes on cuda:" + std::to_string(device) + " (" + describe(c.stats) +
                             (c.capture_pool ? "; inside a CUDA graph capture, where the cache cannot be emptied)"
                                             : "; the cache was emptied and the allocation retried)"));
  }
  CUDA_CHECK(err);
  ++c.stats.cudamalloc_calls;
  c.stats.reserved += size;
  return ptr;
}

}  // namespace

void* malloc(size_t nbytes, int device) {
  const size_t size = round_size(nbytes);
  std::lock_guard lock(mutex);
  DeviceCache& c = cache(device);
  FreeList& list = c.capture_pool ? pools.at(c.capture_pool) : c.free_blocks;
  void* ptr = nullptr;
  size_t got = size;
  auto it = list.lower_bound(size);
  if (it != list.end() && it->first < 2 * size) {
    got = it->first;
    ptr = it->second;
    list.erase(it);
  } else {
    ptr = fresh_block(device, c, size, nbytes);
  }
  c.blocks[ptr] = Block{got, c.capture_pool};
  c.stats.allocated += got;
  if (c.stats.allocated > c.stats.peak) c.stats.peak = c.stats.allocated;
  return ptr;
}

void free(void* ptr, int device) {  // called from deleters: never throws
  if (!ptr) return;
  std::lock_guard lock(mutex);
  DeviceCache& c = cache(device);
  auto it = c.blocks.find(ptr);
  if (it == c.blocks.end()) {
    std::fprintf(stderr, "nabla: cuda free of a pointer the allocator does not own\n");
    return;
  }
  const Block b = it->second;
  c.blocks.erase(it);
  c.stats.allocated -= b.size;
  auto own = pools.find(b.pool);
  if (b.pool != 0 && own != pools.end())
    own->second.emplace(b.size, ptr);
  else if (c.capture_pool != 0)  // may have been used by the captured work: the graph keeps it
    pools.at(c.capture_pool).emplace(b.size, ptr);
  else
    c.free_blocks.emplace(b.size, ptr);
}

int pool_begin(int device) {
  std::lock_guard lock(mutex);
  DeviceCache& c = cache(device);
  if (c.capture_pool != 0) throw std::logic_error("cuda graph: a capture is already under way on this device");
  const int id = next_pool++;
  pools[id];
  c.capture_pool = id;
  return id;
}

void pool_end(int device) {
  std::lock_guard lock(mutex);
  cache(device).capture_pool = 0;
}

// Later work on the stream runs after the graph's replays: the blocks can be
// reused at once, as any freed block.
void pool_release(int device, int pool) {
  std::lock_guard lock(mutex);
  auto it = pools.find(pool);
  if (it == pools.end()) return;
  DeviceCache& c = cache(device);
  c.free_blocks.merge(it->second);
  pools.erase(it);
}

MemoryStats memory_stats(int device) {
  std::lock_guard lock(mutex);
  return cache(device).stats;
}

void reset_peak(int device) {
  std::lock_guard lock(mutex);
  DeviceCache& c = cache(device);
  c.stats.peak = c.stats.allocated;
}

void inject_malloc_failures(int n) {
  std::lock_guard lock(mutex);
  injected_failures = n > 0 ? n : 0;
}

void empty_cache(int device) {
  std::lock_guard lock(mutex);
  DeviceCache& c = cache(device);
  if (c.capture_pool != 0) return;  // cudaFree cannot run inside a capture; the cache stays
  release_cached(device, c);
}

}  // namespace nabla::kernels::cuda
