#pragma once
// A reference-counted buffer on one device, shared by a tensor and its views.
// The version counter lives here so that every view of the buffer sees an
// in-place write: autograd compares it against the version a saved tensor had.
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "core/device.h"

namespace nabla {

class Storage {
 public:
  Storage(size_t nbytes, Device device);  // uninitialised memory
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }
  Device device() const { return device_; }
  uint64_t version() const { return version_.load(std::memory_order_relaxed); }
  void bump_version() { version_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  Device device_;
  std::atomic<uint64_t> version_{0};
};

// Bytes ever allocated by CPU storages in this process (never decreases): the
// difference across a piece of code is what it allocated. For autograd's trace.
uint64_t allocated_bytes_total();

}  // namespace nabla
