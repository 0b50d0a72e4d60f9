// Inputs that once crashed a reader under the fuzzers (tests/fuzz, TESTING.md),
// each now a clean std::runtime_error naming the file. tests/data/fuzz/<target>/
// holds the files as libFuzzer found them, replayed through the target's
// reader; the inline cases are the same bugs made small, with their messages.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/factory.h"
#include "core/serialize.h"
#include "models/data/idx.h"
#include "models/io/metrics_log.h"
#include "models/train/checkpoint.h"
#include "tests/models/data_testing.h"

namespace nabla {
namespace {

namespace fs = std::filesystem;
using data::testing::Bytes;
using data::testing::TempDir;
using data::testing::throws_with;

// A safetensors file: the 8-byte little-endian header length, the header, the data.
Bytes safetensors_bytes(const std::string& header, const std::string& data) {
  Bytes b;
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(uint64_t{header.size()} >> (8 * i)));
  b.insert(b.end(), header.begin(), header.end());
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

// Writes `bytes` and expects `read(path)` to throw std::runtime_error with the
// path and every part in its message.
template <class Read>
::testing::AssertionResult rejects(Read&& read, const Bytes& bytes, std::vector<std::string> parts) {
  TempDir dir;
  const std::string path = dir.file("fuzzed");
  data::testing::write_raw(path, bytes);
  parts.push_back(path);
  return throws_with<std::runtime_error>([&] { read(path); }, parts);
}

// [65536, 0, 520093696, 134219010]: no element, but the strides of an empty
// tensor multiply the other sizes, and these overflowed int64 (UBSan, in
// contiguous_strides).
TEST(FuzzRegression, IdxEmptyShapeWhoseOtherSizesOverflow) {
  const Bytes found{0x00, 0x00, 0x08, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                    0x00, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x08, 0x00, 0x05, 0x02};
  auto read = [](const std::string& p) { data::read_idx(p); };
  EXPECT_TRUE(rejects(read, found, {"read_idx", "byte 16", "overflow"}));
  // Within 64 bits but past the limit: [0, 2^32-1, 2^32-1].
  EXPECT_TRUE(rejects(read, data::testing::idx_bytes({0, 0xFFFFFFFF, 0xFFFFFFFF}, {}),
                      {"byte 4", "hold no element, but the others multiply to 18446744065119617025 bytes", "limit"}));
  // An empty tensor of sane sizes still reads.
  TempDir dir;
  data::testing::write_raw(dir.file("ok"), data::testing::idx_bytes({0, 1u << 16, 1u << 15}, {}));
  EXPECT_EQ(data::read_idx(dir.file("ok")).shape(), (Shape{0, 1 << 16, 1 << 15}));
}

TEST(FuzzRegression, SafetensorsEmptyShapeWhoseOtherSizesOverflow) {
  auto read = [](const std::string& p) { load_safetensors(p); };
  EXPECT_TRUE(rejects(
      read, safetensors_bytes(R"({"x":{"dtype":"U8","shape":[65536,0,4294967296,4294967296],"data_offsets":[0,0]}})", ""),
      {"tensor 'x'", "overflows"}));
  EXPECT_EQ(zeros({0, int64_t{1} << 31, int64_t{1} << 31}).numel(), 0);
}

// A number past double's range in the header threw nlohmann's out_of_range
// (406), which escaped the reader's parse_error handler.
TEST(FuzzRegression, SafetensorsHeaderNumberPastDoubleRange) {
  const std::string header = R"({"w":{"dtype":"F32","shape":[1e3084],"data_offsets":[0,4]}})";
  EXPECT_TRUE(rejects([](const std::string& p) { load_safetensors(p); }, safetensors_bytes(header, "abcd"),
                      {"header is not valid JSON", "number overflow", "1e3084",
                       "at byte " + std::to_string(8 + header.find("1e3084"))}));
  // The same through a checkpoint (the fuzzer's second find).
  EXPECT_TRUE(rejects([](const std::string& p) { train::load_checkpoint(p); },
                      safetensors_bytes(R"({"w":{"dtype":"I64","shape":[],"data_offsets":[0,21e3084]}})", ""),
                      {"not valid JSON", "21e3084"}));
}

// A double where the config holds an integer ("batch": 4.1e52) was cast to
// int64 by nlohmann's value<int64_t>: undefined behaviour (UBSan).
TEST(FuzzRegression, CheckpointConfigDoubleWhereAnIntegerGoes) {
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] { train::TrainConfig::from_json({{"model", "gan"}, {"batch", 4.1e52}}); },
      {"config: batch must be an integer within int64, got 4.1e+52"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] { train::TrainConfig::from_json({{"model", "gan"}, {"steps", 2.5}}); }, {"steps", "2.5"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] { train::TrainConfig::from_json({{"model", "gan"}, {"seed", -1}}); }, {"seed", "non-negative"}));
  EXPECT_EQ(train::TrainConfig::from_json({{"model", "gan"}, {"batch", 8}, {"seed", 0}}).batch, 8);
  // Through a checkpoint, the step too: a clean error naming the file.
  TempDir dir;
  const std::string path = dir.file("c.safetensors");
  for (const char* meta : {R"({"format":"nabla-checkpoint","version":1,"step":1,"config":{"model":"gan","batch":4.1e52},"values":{}})",
                           R"({"format":"nabla-checkpoint","version":1,"step":1e300,"config":{"model":"gan"},"values":{}})"}) {
    save_safetensors(path, {{"w", zeros({2})}}, {{"nabla", meta}});
    EXPECT_TRUE(throws_with<std::runtime_error>([&] { train::load_checkpoint(path); },
                                                {path, "bad nabla checkpoint metadata", "integer"}));
  }
}

// The files as found, each through the reader of the target that found it.
TEST(FuzzRegression, FoundInputsAreCleanErrors) {
  const fs::path root = fs::path(NABLA_TEST_DATA) / "fuzz";
  ASSERT_TRUE(fs::is_directory(root)) << root;
  int replayed = 0;
  for (const auto& target : fs::directory_iterator(root)) {
    const std::string name = target.path().filename().string();
    for (const auto& file : fs::directory_iterator(target.path())) {
      const std::string path = file.path().string();
      SCOPED_TRACE(path);
      auto read = [&] {
        if (name == "safetensors") load_safetensors(path);
        else if (name == "idx") data::read_idx(path);
        else if (name == "checkpoint") train::load_checkpoint(path);
        else if (name == "metrics") io::read_metrics(path);
        else if (name == "checkpoint_json") {  // metadata text: framed as the target frames it
          const std::string framed = path + ".safetensors";
          std::ifstream in(path, std::ios::binary);
          save_safetensors(framed, {{"g.w", zeros({2})}}, {{"nabla", std::string(std::istreambuf_iterator<char>(in), {})}});
          train::load_checkpoint(framed);
        }
        else FAIL() << "no reader for " << name;
      };
      EXPECT_TRUE(throws_with<std::runtime_error>(read, {path}));
      fs::remove(path + ".safetensors");
      ++replayed;
    }
  }
  EXPECT_GE(replayed, 4);
}

// The seed corpora (tests/fuzz/corpus, written by make_corpus with our own
// writers) stay valid files for today's readers, so the fuzzers start from
// inputs that get past the first checks.
TEST(FuzzRegression, SeedCorporaLoad) {
  const fs::path root = fs::path(NABLA_TEST_DATA) / ".." / "fuzz" / "corpus";
  int loaded = 0;
  auto each = [&](const char* target, auto&& check) {
    for (const auto& file : fs::directory_iterator(root / target)) {
      SCOPED_TRACE(file.path().string());
      check(file.path());
      ++loaded;
    }
  };
  each("safetensors", [](const fs::path& p) { EXPECT_NO_THROW(load_safetensors(p.string())); });
  each("idx", [](const fs::path& p) { EXPECT_GT(data::read_idx(p.string()).numel(), 0); });
  each("checkpoint", [](const fs::path& p) { EXPECT_EQ(train::load_checkpoint(p.string()).step, 7); });
  each("metrics", [](const fs::path& p) {
    EXPECT_EQ(io::read_metrics(p.string()).records.size(), p.filename() == "torn.jsonl" ? 2u : 3u);
  });
  EXPECT_GE(loaded, 11);
}

}  // namespace
}  // namespace nabla
