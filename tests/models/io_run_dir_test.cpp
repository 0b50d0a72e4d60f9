#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>

#include "models/io/metrics_log.h"
#include "models/io/run_dir.h"
#include "tests/models/io_testing.h"

namespace nabla::io {
namespace {

namespace fs = std::filesystem;
using RunDirTest = testing::TempDir;

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(RunDirTest, ExplicitFolderGetsItsLayoutAndConfig) {
  const std::string out = path("my/run");
  const RunDir run("dcgan", out);
  EXPECT_EQ(run.path(), out);
  EXPECT_EQ(names_in(out), (std::vector<std::string>{"checkpoints", "plots", "samples"}));
  const nlohmann::json config = {{"model", "dcgan"}, {"lr", 2e-4}, {"batch", 64}, {"betas", {0.5, 0.999}}};
  run.write_config(config);
  const std::string text = testing::read_file(run.file("config.json"));
  EXPECT_EQ(nlohmann::json::parse(text), config);
  EXPECT_NE(text.find("\n  \"batch\": 64"), std::string::npos) << "pretty-printed: " << text;
  EXPECT_EQ(text.back(), '\n');
  run.write_config({{"model", "again"}});  // replaced atomically, no temporary left
  EXPECT_EQ(nlohmann::json::parse(testing::read_file(run.file("config.json")))["model"], "again");
  EXPECT_EQ(names_in(out), (std::vector<std::string>{"checkpoints", "config.json", "plots", "samples"}));
  // Reusing an existing folder (a resumed run) is fine.
  EXPECT_NO_THROW(RunDir("dcgan", out));
}

TEST_F(RunDirTest, PathsInsideTheRun) {
  const RunDir run("mlp", path("r"));
  EXPECT_EQ(run.metrics_path(), path("r") + "/metrics.jsonl");
  EXPECT_EQ(run.sample_path("grid", 1200), path("r") + "/samples/grid-001200.png");
  EXPECT_EQ(run.checkpoint_path(42), path("r") + "/checkpoints/step-00000042.safetensors");
  EXPECT_EQ(run.samples_dir(), path("r") + "/samples");
  EXPECT_EQ(run.plots_dir(), path("r") + "/plots");
  MetricsLog(run.metrics_path()).log(1, {{"loss", 1}});
  EXPECT_EQ(read_metrics(run.metrics_path()).records.size(), 1u);
}

TEST_F(RunDirTest, DefaultNameIsModelAndTimeAndNeverReused) {
  const std::string root = path("runs");
  const RunDir a("dcgan", "", root), b("dcgan", "", root), c("dcgan", "", root);
  const std::regex name(R"(dcgan-\d{8}-\d{6}(-\d+)?)");
  for (const RunDir* r : {&a, &b, &c}) {
    EXPECT_EQ(fs::path(r->path()).parent_path(), fs::path(root));
    EXPECT_TRUE(std::regex_match(fs::path(r->path()).filename().string(), name)) << r->path();
    EXPECT_TRUE(fs::is_directory(r->samples_dir()));
  }
  EXPECT_NE(a.path(), b.path());
  EXPECT_NE(b.path(), c.path());
  EXPECT_NE(a.path(), c.path());
}

TEST_F(RunDirTest, BadNamesAndPlacesThrow) {
  EXPECT_THROW(RunDir("", "", path("runs")), std::invalid_argument);
  EXPECT_THROW(RunDir("a/b", "", path("runs")), std::invalid_argument);
  testing::write_file(path("file"), "x");
  EXPECT_THROW(RunDir("m", path("file") + "/run"), std::runtime_error);
  EXPECT_THROW(RunDir("m", "", path("file")), std::runtime_error);
}

}  // namespace
}  // namespace nabla::io
