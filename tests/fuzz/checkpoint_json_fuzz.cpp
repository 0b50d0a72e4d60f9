// libFuzzer target: the JSON of a checkpoint's "nabla" metadata entry (the
// run's config and the trainer's values), mutated as text. Each input is
// wrapped by our own writer, save_safetensors, around one small tensor, so
// that every mutation reaches the JSON reader (TrainConfig::from_json and
// load_checkpoint's checks) instead of breaking the safetensors framing.
#include <nlohmann/json.hpp>

#include "core/factory.h"
#include "models/train/checkpoint.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = nabla::fuzz::input_path("checkpoint_json");
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    nabla::save_safetensors(path, {{"g.w", nabla::zeros({2}, nabla::DType::f32)}}, {{"nabla", text}});
  } catch (const nlohmann::json::type_error&) {
    return 0;  // not UTF-8: the writer's JSON cannot hold it, nor can a reader's
  }
  nabla::fuzz::expect_clean(path, [&] {
    const nabla::train::Checkpoint c = nabla::train::load_checkpoint(path);
    (void)c.config.to_json().dump();
  });
  return 0;
}
