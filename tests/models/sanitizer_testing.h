#pragma once
// tools/test --sanitize sets NABLA_SANITIZE=1. Under AddressSanitizer the
// tests run about 8 times slower, so the slowest learning tests then train for
// a quarter of their steps and check only that training moved the right way
// (the sanitizer looks for memory errors, not learning); the normal build
// checks how far they get.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace nabla::testing {

inline bool sanitized() {
  const char* v = std::getenv("NABLA_SANITIZE");
  return v != nullptr && !std::string_view(v).empty() && std::string_view(v) != "0";
}

// steps, or steps / 4 (at least 1) under the sanitizer.
inline int64_t sanitizer_steps(int64_t steps) { return sanitized() ? std::max<int64_t>(1, steps / 4) : steps; }

// A learning test's bar, or the weaker `relaxed` one under the sanitizer.
inline double sanitizer_bar(double bar, double relaxed) { return sanitized() ? relaxed : bar; }

}  // namespace nabla::testing
