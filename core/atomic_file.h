#pragma once
// Atomic file writes: bytes go to "<path>.tmp.<pid>.<n>" in the same directory,
// which is fsync'ed and renamed over `path` on commit(). A reader sees the old
// file or the new one, never a torn one; the temporary is removed on failure.
#include <cstddef>
#include <string>
#include <string_view>

namespace nabla {

class AtomicFile {
 public:
  // Opens the temporary; throws std::runtime_error naming the path and errno.
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // removes the temporary unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t n);
  void write(std::string_view s) { write(s.data(), s.size()); }
  // fsync, close, rename over the target, fsync the directory.
  void commit();
  const std::string& temp_path() const { return temp_; }

 private:
  [[noreturn]] void fail(const std::string& what);
  std::string path_, temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// The whole of `bytes` written atomically to `path`.
void write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace nabla
