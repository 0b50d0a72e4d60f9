#include "core/storage.h"

#include <cstdlib>
#include <new>
#include <stdexcept>
#include <string>

#include "core/cpu_memory.h"
#include "kernels/device.h"

namespace nabla {

namespace {
constexpr size_t kAlignment = 64;  // a cache line; also what AVX-512 loads like
std::atomic<uint64_t> cpu_allocated{0};
std::atomic<uint64_t> cpu_live_bytes{0};
std::atomic<uint64_t> cpu_live_storages{0};
}  // namespace

uint64_t allocated_bytes_total() { return cpu_allocated.load(std::memory_order_relaxed); }

CpuMemoryStats cpu_memory_stats() {
  return {cpu_live_bytes.load(std::memory_order_relaxed), cpu_live_storages.load(std::memory_order_relaxed)};
}

Storage::Storage(size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  if (device.is_cuda()) {
    const int n = kernels::cuda::device_count();
    if (device.index < 0 || device.index >= n)
      throw std::runtime_error("allocate on " + device.str() + ": no such CUDA device (" +
                               std::to_string(n) + " available)");
    data_ = kernels::cuda::malloc(nbytes, device.index);
    return;
  }
  const size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  data_ = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (!data_)
    throw std::bad_alloc();
  cpu_allocated.fetch_add(nbytes, std::memory_order_relaxed);
  cpu_live_bytes.fetch_add(nbytes, std::memory_order_relaxed);
  cpu_live_storages.fetch_add(1, std::memory_order_relaxed);
}

Storage::~Storage() {
  if (device_.is_cuda()) {
    kernels::cuda::free(data_, device_.index);
    return;
  }
  std::free(data_);
  cpu_live_bytes.fetch_sub(nbytes_, std::memory_order_relaxed);
  cpu_live_storages.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace nabla
