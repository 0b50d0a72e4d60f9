// libFuzzer target: load_safetensors over any bytes.
#include "core/serialize.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = nabla::fuzz::input_path("safetensors");
  nabla::fuzz::write_input(path, data, size);
  nabla::fuzz::expect_clean(path, [&] {
    const nabla::Safetensors file = nabla::load_safetensors(path);
    // What was read must be whole tensors: touch every byte.
    unsigned sum = 0;
    for (const auto& [name, t] : file.tensors) {
      const auto* bytes = static_cast<const unsigned char*>(t.data_ptr());
      const size_t n = static_cast<size_t>(t.numel()) * nabla::itemsize(t.dtype());
      for (size_t i = 0; i < n; ++i) sum += bytes[i];
    }
    if (sum == 0xFFFFFFFFu) std::fprintf(stderr, "%u\n", sum);
  });
  return 0;
}
