// The bad-input catalogue (TESTING.md): a safetensors file that is not a
// nabla checkpoint, or one from another format version, is refused by name.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/factory.h"
#include "core/serialize.h"
#include "models/train/checkpoint.h"
#include "tests/testing.h"

namespace nabla::train {
namespace {

namespace fs = std::filesystem;

TEST(HardeningCheckpoint, ForeignAndFutureFilesAreRefusedByName) {
  const fs::path dir = fs::temp_directory_path() / ("nabla_ckpt_bad_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string plain = (dir / "plain.safetensors").string();
  save_safetensors(plain, {{"w", ones({2})}});
  EXPECT_THROW_MESSAGE(load_checkpoint(plain), std::runtime_error, plain, "not a nabla checkpoint");
  const std::string future = (dir / "future.safetensors").string();
  save_safetensors(future, {{"w", ones({2})}},
                   {{"nabla", R"({"format": "nabla-checkpoint", "version": 99, "step": 1})"}});
  EXPECT_THROW_MESSAGE(load_checkpoint(future), std::runtime_error, future, "version 99");
  const std::string garbled = (dir / "garbled.safetensors").string();
  save_safetensors(garbled, {{"w", ones({2})}}, {{"nabla", "{not json"}});
  EXPECT_THROW_MESSAGE(load_checkpoint(garbled), std::runtime_error, garbled, "bad nabla checkpoint metadata");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nabla::train
