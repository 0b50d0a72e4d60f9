#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/io/progress.h"

namespace nabla::io {
namespace {

// A clock the test moves by hand.
struct FakeClock {
  double t = 0;
  ProgressBar::Clock fn() {
    return [this] { return t; };
  }
};

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) ++n;
  return n;
}

TEST(FormatDuration, MinutesAndHours) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(65), "1:05");
  EXPECT_EQ(format_duration(59.6), "1:00");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(NAN), "?");
  EXPECT_EQ(format_duration(INFINITY), "?");
  EXPECT_EQ(format_duration(-1), "?");
}

TEST(ProgressBar, LineShowsStepRateEtaAndValues) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(100, out, false, 10, clock.fn());
  clock.t = 2;
  EXPECT_EQ(bar.line(50, {{"loss_d", 0.123456}, {"loss_g", 2}}),
            "step 50/100 (50%) | 25.0 it/s | ETA 0:02 | loss_d 0.1235 | loss_g 2");
  clock.t = 0;
  EXPECT_EQ(bar.line(0, {}), "step 0/100 (0%) | ? it/s | ETA ?");
}

TEST(ProgressBar, PlainLinesEveryNStepsAndAtTheEnd) {
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressBar bar(25, out, false, 10, clock.fn());
    for (int step = 1; step <= 25; ++step) {
      clock.t += 0.5;
      bar.update(step, {{"loss", 1.0 / step}});
    }
  }
  const std::string s = out.str();
  EXPECT_EQ(count(s, "\n"), 3u) << s;  // steps 10, 20 and 25
  EXPECT_EQ(s.find('\r'), std::string::npos);
  EXPECT_EQ(s.find('\x1b'), std::string::npos);
  EXPECT_EQ(s.rfind("step 10/25 (40%) | 2.0 it/s | ETA 0:08 | loss 0.1\n", 0), 0u) << s;
  EXPECT_NE(s.find("step 20/25 (80%)"), std::string::npos) << s;
  EXPECT_NE(s.find("step 25/25 (100%) | 2.0 it/s | ETA 0:00 | loss 0.04\n"), std::string::npos) << s;
}

TEST(ProgressBar, PlainDefaultPrintsAboutTwentyLines) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(1000, out, std::nullopt, 0, clock.fn());  // not std::cout: plain
  for (int step = 1; step <= 1000; ++step) bar.update(step);
  EXPECT_EQ(count(out.str(), "\n"), 20u);
}

TEST(ProgressBar, TerminalRedrawsOneThrottledLine) {
  FakeClock clock;
  std::ostringstream out;
  ProgressBar bar(100, out, true, 0, clock.fn());
  for (int step = 1; step <= 100; ++step) {
    clock.t += 0.01;  // 100 it/s: redraws at most every 0.1 s
    bar.update(step, {{"loss", 0.5}});
  }
  const std::string s = out.str();
  const size_t draws = count(s, "\r");
  EXPECT_GE(draws, 9u);
  EXPECT_LE(draws, 12u);  // not one per step
  EXPECT_EQ(count(s, "\x1b[K"), draws);  // each draw clears the rest of the line
  EXPECT_EQ(count(s, "\n"), 1u);         // the last step ends the line
  EXPECT_EQ(s.back(), '\n');
  EXPECT_NE(s.find("\rstep 100/100 (100%) | 100.0 it/s | ETA 0:00 | loss 0.5\x1b[K\n"), std::string::npos) << s;
  bar.finish();  // nothing more to end
  EXPECT_EQ(out.str(), s);
}

TEST(ProgressBar, FinishEndsAnInterruptedTerminalLine) {
  FakeClock clock;
  std::ostringstream out;
  {
    ProgressBar bar(100, out, true, 0, clock.fn());
    bar.update(3);
  }  // the destructor ends the line, so later output starts on a fresh one
  EXPECT_EQ(out.str().back(), '\n');
  EXPECT_EQ(count(out.str(), "\n"), 1u);
}

}  // namespace
}  // namespace nabla::io
