// libFuzzer target: load_checkpoint over any bytes (a safetensors file whose
// __metadata__ "nabla" entry holds the run's config and trainer values).
#include "models/train/checkpoint.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = nabla::fuzz::input_path("checkpoint");
  nabla::fuzz::write_input(path, data, size);
  nabla::fuzz::expect_clean(path, [&] {
    const nabla::train::Checkpoint c = nabla::train::load_checkpoint(path);
    // What the config reads must write back (config.json, the next checkpoint).
    (void)c.config.to_json().dump();
  });
  return 0;
}
