// The caching allocator: cudaMalloc is slow and synchronising, so freed
// blocks are kept in size-binned free lists per device and handed out again.
// Every launch and copy of a device runs on its one stream, so a block freed
// after queuing work on it can be reused at once: later work on the same
// stream runs after the earlier work that used it.
//
// Sizes are rounded up: to 512 bytes below 1 MiB, to 2 MiB above. A request
// takes the smallest cached block of at least its rounded size, if that block
// is less than twice as large (bigger blocks would waste too much memory).
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

struct DeviceCache {
  std::multimap<size_t, void*> free_blocks;       // size -> cached block
  std::unordered_map<void*, size_t> block_size;  // every live block -> its size
  MemoryStats stats;
};

// Never destroyed: a tensor freed during static destruction still finds them.
std::mutex& mutex = *new std::mutex;
std::vector<DeviceCache>& caches = *new std::vector<DeviceCache>;

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
  cudaError_t err = cudaMalloc(&ptr, size);
  if (err == cudaErrorMemoryAllocation) {  // free the cache, try once more
    cudaGetLastError();
    release_cached(device, c);
    err = cudaMalloc(&ptr, size);
  }
  if (err == cudaErrorMemoryAllocation) {
    cudaGetLastError();
    throw std::runtime_error("cuda malloc: out of memory allocating " + std::to_string(requested) +
                             " bytes on cuda:" + std::to_string(device) + " (" + describe(c.stats) +
                             "; the cache was emptied and the allocation retried)");
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
  void* ptr = nullptr;
  size_t got = size;
  auto it = c.free_blocks.lower_bound(size);
  if (it != c.free_blocks.end() && it->first < 2 * size) {
    got = it->first;
    ptr = it->second;
    c.free_blocks.erase(it);
  } else {
    ptr = fresh_block(device, c, size, nbytes);
  }
  c.block_size[ptr] = got;
  c.stats.allocated += got;
  if (c.stats.allocated > c.stats.peak) c.stats.peak = c.stats.allocated;
  return ptr;
}

void free(void* ptr, int device) {  // called from deleters: never throws
  if (!ptr) return;
  std::lock_guard lock(mutex);
  DeviceCache& c = cache(device);
  auto it = c.block_size.find(ptr);
  if (it == c.block_size.end()) {
    std::fprintf(stderr, "nabla: cuda free of a pointer the allocator does not own\n");
    return;
  }
  c.stats.allocated -= it->second;
  c.free_blocks.emplace(it->second, ptr);
  c.block_size.erase(it);
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

void empty_cache(int device) {
  std::lock_guard lock(mutex);
  release_cached(device, cache(device));
}

}  // namespace nabla::kernels::cuda
