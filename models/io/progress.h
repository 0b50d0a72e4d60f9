#pragma once
// A progress line for training loops:
//   step 50/100 (50%) | 25.0 it/s | ETA 0:02 | loss 0.1234 | acc 0.9
// On a terminal it redraws one line (carriage return, at most ~10 times a
// second); otherwise (a log file, a pipe) it prints a plain line every
// `print_every` steps and at the last step.
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>

namespace nabla::io {

class ProgressBar {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic

  // terminal: unset means "is `out` std::cout and stdout a terminal";
  // print_every 0 means total / 20 (at least 1).
  explicit ProgressBar(int64_t total, std::ostream& out = std::cout, std::optional<bool> terminal = std::nullopt,
                       int64_t print_every = 0, Clock clock = {});
  ~ProgressBar();

  // `step` steps are done; `values` are the latest losses and metrics.
  void update(int64_t step, const std::map<std::string, double>& values = {});
  // Ends the terminal line (called by the destructor too).
  void finish();
  // The text of the line for `step` at the current time.
  std::string line(int64_t step, const std::map<std::string, double>& values) const;

 private:
  int64_t total_, every_;
  std::ostream& out_;
  bool terminal_, open_line_ = false;
  Clock clock_;
  double start_, last_draw_ = -1;
};

// "1:05:03" or "4:07" for a number of seconds; "?" when not finite.
std::string format_duration(double seconds);

}  // namespace nabla::io
