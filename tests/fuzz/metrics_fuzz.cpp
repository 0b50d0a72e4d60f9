// libFuzzer target: metrics.jsonl as a resumed run meets it: read_metrics,
// then truncate_metrics (the rewrite kept for a resume), then MetricsLog
// opening the file to append (cutting a partial last line) and appending.
#include <iostream>

#include "models/io/metrics_log.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::cerr.rdbuf(nullptr);  // read_metrics warns on stderr about torn lines
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = nabla::fuzz::input_path("metrics");
  nabla::fuzz::write_input(path, data, size);
  nabla::fuzz::expect_clean(path, [&] {
    const nabla::io::Metrics m = nabla::io::read_metrics(path);
    const int64_t step = m.records.empty() ? 0 : m.records[m.records.size() / 2].step;
    nabla::io::truncate_metrics(path, step);
    nabla::io::MetricsLog log(path);
    log.log(step + 1, {{"loss", 0.5}});
    const nabla::io::Metrics again = nabla::io::read_metrics(path);
    if (!again.warning.empty() || again.records.empty() || again.records.back().step != step + 1) {
      std::fprintf(stderr, "fuzz: metrics.jsonl does not read back after truncate and append\n");
      std::abort();
    }
  });
  return 0;
}
