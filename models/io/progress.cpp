#include "models/io/progress.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace nabla::io {

namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<int64_t>(std::llround(seconds));
  char buf[48];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                               static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  return buf;
}

ProgressBar::ProgressBar(int64_t total, std::ostream& out, std::optional<bool> terminal, int64_t print_every,
                         Clock clock)
    : total_(total),
      every_(print_every > 0 ? print_every : std::max<int64_t>(1, total / 20)),
      out_(out),
      terminal_(terminal.value_or(&out == &std::cout && ::isatty(STDOUT_FILENO))),
      clock_(clock ? std::move(clock) : Clock(steady_seconds)),
      start_(clock_()) {}

ProgressBar::~ProgressBar() { finish(); }

std::string ProgressBar::line(int64_t step, const std::map<std::string, double>& values) const {
  const double elapsed = clock_() - start_;
  const double rate = elapsed > 0 ? static_cast<double>(step) / elapsed : NAN;
  std::ostringstream s;
  char buf[64];
  s << "step " << step << "/" << total_;
  if (total_ > 0) s << " (" << step * 100 / total_ << "%)";
  if (std::isfinite(rate)) std::snprintf(buf, sizeof buf, "%.1f it/s", rate);
  else std::snprintf(buf, sizeof buf, "? it/s");
  s << " | " << buf << " | ETA " << format_duration(rate > 0 ? static_cast<double>(total_ - step) / rate : NAN);
  for (const auto& [name, value] : values) {
    std::snprintf(buf, sizeof buf, "%.4g", value);
    s << " | " << name << " " << buf;
  }
  return s.str();
}

void ProgressBar::update(int64_t step, const std::map<std::string, double>& values) {
  const bool last = step >= total_;
  if (terminal_) {
    const double now = clock_();
    if (!last && last_draw_ >= 0 && now - last_draw_ < 0.1) return;
    last_draw_ = now;
    out_ << "\r" << line(step, values) << "\x1b[K" << std::flush;  // ESC[K clears the rest of the line
    open_line_ = true;
    if (last) finish();
  } else if (step % every_ == 0 || last) {
    out_ << line(step, values) << "\n" << std::flush;
  }
}

void ProgressBar::finish() {
  if (open_line_) out_ << "\n" << std::flush;
  open_line_ = false;
}

}  // namespace nabla::io
