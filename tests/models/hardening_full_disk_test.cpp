// A full disk while writing: a checkpoint that cannot be written whole throws
// a message naming the file and the errno, leaves no file under its final
// name nor a temporary, and the checkpoint written before stays intact.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "core/factory.h"
#include "models/train/checkpoint.h"
#include "tests/testing.h"

namespace nabla::train {
namespace {

namespace fs = std::filesystem;

// Lowers the file size limit (RLIMIT_FSIZE) for its lifetime; writes past it
// fail with EFBIG once SIGXFSZ is ignored, as a full disk fails with ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_);
    old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lower = saved_;
    lower.rlim_cur = bytes;
    ::setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_);
    std::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit saved_{};
  void (*old_handler_)(int) = nullptr;
};

Checkpoint checkpoint_of(int64_t step, float value) {
  Checkpoint c;
  c.step = step;
  c.config.model = "gan";
  c.state.tensors = {{"w", full({256, 256}, value)}};  // 256 KiB of data
  return c;
}

TEST(HardeningFullDisk, CheckpointPastTheLimitFailsCleanlyAndKeepsThePrevious) {
  const fs::path dir = fs::temp_directory_path() / ("nabla_full_disk_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string previous = (dir / "step-00000001.safetensors").string();
  const std::string next = (dir / "step-00000002.safetensors").string();
  save_checkpoint(previous, checkpoint_of(1, 1.f));
  const uintmax_t previous_size = fs::file_size(previous);
  {
    FileSizeLimit limit(64 << 10);
    EXPECT_THROW_MESSAGE(save_checkpoint(next, checkpoint_of(2, 2.f)), std::runtime_error, next, "write failed",
                         "File too large");
    // Replacing the previous checkpoint in place fails the same way.
    EXPECT_THROW_MESSAGE(save_checkpoint(previous, checkpoint_of(2, 2.f)), std::runtime_error, previous,
                         "File too large");
  }
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename().string());
  EXPECT_EQ(left, std::vector<std::string>{"step-00000001.safetensors"}) << "a partial file or temporary remains";
  EXPECT_EQ(fs::file_size(previous), previous_size);
  const Checkpoint back = load_checkpoint(previous);
  EXPECT_EQ(back.step, 1);
  ASSERT_EQ(back.state.tensors.size(), 1u);
  EXPECT_EQ(to_vector<float>(back.state.tensors[0].second), std::vector<float>(256 * 256, 1.f));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace nabla::train
