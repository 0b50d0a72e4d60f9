#pragma once
// Runs a producer one item ahead of its consumer on a background thread: a
// bounded queue of one. Without `background`, next() just calls produce().
//
// An exception thrown by produce() is handed to the consumer by next(), which
// rethrows it then and on every later call (the worker stops after it). The
// destructor stops the worker and joins it; an item it is still producing is
// finished and dropped.
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

namespace nabla::data {

template <class T>
class Prefetcher {
 public:
  Prefetcher(std::function<T()> produce, bool background) : produce_(std::move(produce)) {
    if (background) worker_ = std::thread([this] { run(); });
  }
  ~Prefetcher() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
  }
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  T next() {
    if (!worker_.joinable()) return produce_();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return full_; });
    if (error_) std::rethrow_exception(error_);  // full_ stays set: later calls rethrow too
    T item = std::move(*slot_);
    slot_.reset();
    full_ = false;
    lock.unlock();
    changed_.notify_all();
    return item;
  }

 private:
  void run() {
    for (;;) {
      std::optional<T> item;
      std::exception_ptr error;
      try {
        item.emplace(produce_());
      } catch (...) {
        error = std::current_exception();
      }
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [this] { return stop_ || !full_; });
      if (stop_) return;
      slot_ = std::move(item);
      error_ = error;
      full_ = true;
      lock.unlock();
      changed_.notify_all();
      if (error) return;
    }
  }

  std::function<T()> produce_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<T> slot_;
  std::exception_ptr error_;
  bool full_ = false;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace nabla::data
