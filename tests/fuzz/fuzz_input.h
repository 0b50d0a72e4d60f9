#pragma once
// What every fuzz target shares: the input written to a file of its own (the
// readers take paths), and the one outcome allowed besides success: a
// std::runtime_error whose message names that file. Any other exception, a
// crash, a leak or a sanitizer report is a finding (libFuzzer stops on it).
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace nabla::fuzz {

// A per-process path in $NABLA_FUZZ_TMP, else /dev/shm (no disk traffic),
// else the system's temporary folder.
inline const std::string& input_path(const char* target) {
  static const std::string path = [target] {
    std::string dir;
    if (const char* env = std::getenv("NABLA_FUZZ_TMP")) dir = env;
    else if (std::filesystem::is_directory("/dev/shm")) dir = "/dev/shm";
    else dir = std::filesystem::temp_directory_path().string();
    return dir + "/nabla-fuzz-" + target + "-" + std::to_string(::getpid());
  }();
  // Removed when the fuzzer exits normally (-runs, -max_total_time).
  static const struct Remove {
    const std::string& p;
    ~Remove() { ::unlink(p.c_str()); }
  } remove{path};
  return path;
}

// Replaces the file at `path` with the bytes given.
inline void write_input(const std::string& path, const uint8_t* data, size_t size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    std::abort();
  }
  for (size_t done = 0; done < size;) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n <= 0) {
      std::perror(path.c_str());
      std::abort();
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
}

// Runs `read`; returns normally on success or on a std::runtime_error naming
// `path`; aborts (a finding, with the message) on anything else.
template <class F>
void expect_clean(const std::string& path, F&& read) {
  try {
    read();
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).find(path) != std::string::npos) return;
    std::fprintf(stderr, "fuzz: a std::runtime_error that does not name %s: %s\n", path.c_str(), e.what());
    std::abort();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: an exception other than std::runtime_error: %s\n", e.what());
    std::abort();
  }
}

}  // namespace nabla::fuzz
