// libFuzzer target: read_idx over any bytes, raw or (when they start with the
// gzip magic) decompressed by zlib.
#include "models/data/idx.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = nabla::fuzz::input_path("idx");
  nabla::fuzz::write_input(path, data, size);
  nabla::fuzz::expect_clean(path, [&] {
    // A small limit, so that the size check is reached by small inputs too.
    const nabla::Tensor t = nabla::data::read_idx(path, {.max_bytes = 1 << 20});
    const auto* bytes = t.data<uint8_t>();
    unsigned sum = 0;
    for (int64_t i = 0; i < t.numel(); ++i) sum += bytes[i];
    if (sum == 0xFFFFFFFFu) std::fprintf(stderr, "%u\n", sum);
  });
  return 0;
}
