#include <gtest/gtest.h>

#include "autograd/nabla.h"
#include "models/data/idx.h"
#include "models/data/mnist.h"
#include "tests/models/data_testing.h"

namespace nabla::data {
namespace {

using testing::Bytes;
using testing::idx_bytes;
using testing::pattern;
using testing::TempDir;
using testing::throws_with;

void expect_bytes(const Tensor& t, const Shape& shape, const Bytes& want) {
  ASSERT_EQ(t.dtype(), DType::u8);
  ASSERT_EQ(t.shape(), shape);
  EXPECT_EQ(to_vector<uint8_t>(t), std::vector<uint8_t>(want.begin(), want.end()));
}

TEST(DataIdx, RawImagesReadBackExactly) {
  TempDir dir;
  const Bytes payload = pattern(2 * 3 * 4);
  testing::write_raw(dir.file("x"), idx_bytes({2, 3, 4}, payload));
  expect_bytes(read_idx(dir.file("x")), {2, 3, 4}, payload);
}

TEST(DataIdx, GzipLabelsAndImagesReadBackExactly) {
  TempDir dir;
  const Bytes labels = pattern(7);
  testing::write_gzip(dir.file("l.gz"), idx_bytes({7}, labels));
  expect_bytes(read_idx(dir.file("l.gz")), {7}, labels);
  // Larger than one read chunk (1 MiB), 4 dims.
  const Bytes big = pattern(3 * 5 * 300 * 301);
  testing::write_gzip(dir.file("big.gz"), idx_bytes({3, 5, 300, 301}, big));
  expect_bytes(read_idx(dir.file("big.gz")), {3, 5, 300, 301}, big);
}

TEST(DataIdx, EmptyDimensionGivesAnEmptyTensor) {
  TempDir dir;
  testing::write_raw(dir.file("e"), idx_bytes({0, 28, 28}, {}));
  EXPECT_EQ(read_idx(dir.file("e")).shape(), (Shape{0, 28, 28}));
}

// Writes `bytes` (gzip or raw) and expects read_idx to throw with the file
// name and every part.
::testing::AssertionResult bad_file(const Bytes& bytes, std::vector<std::string> parts, bool gzip = false,
                                    IdxOptions options = {}) {
  TempDir dir;
  const std::string path = dir.file(gzip ? "bad.gz" : "bad");
  if (gzip)
    testing::write_gzip(path, bytes);
  else
    testing::write_raw(path, bytes);
  parts.push_back(path);
  parts.push_back("read_idx");
  return throws_with<std::runtime_error>([&] { read_idx(path, options); }, parts);
}

TEST(DataIdx, WrongMagic) {
  Bytes b = idx_bytes({2}, {1, 2});
  b[0] = 0x12;
  b[1] = 0x34;
  EXPECT_TRUE(bad_file(b, {"byte 0", "bad magic 0x12340801"}));
  EXPECT_TRUE(bad_file(b, {"byte 0 (decompressed)", "bad magic"}, /*gzip=*/true));
}

TEST(DataIdx, UnsupportedAndUnknownTypes) {
  EXPECT_TRUE(bad_file(idx_bytes({1}, {0, 0, 0, 0}, 0x0D), {"byte 2", "0x0D (f32) is not supported", "0x08"}));
  EXPECT_TRUE(bad_file(idx_bytes({1}, {0, 0, 0, 0}, 0x0C), {"0x0C (i32) is not supported"}));
  EXPECT_TRUE(bad_file(idx_bytes({1}, {0}, 0x42), {"byte 2", "unknown element type 0x42"}));
}

TEST(DataIdx, DimsCountOutOfRange) {
  EXPECT_TRUE(bad_file(Bytes{0, 0, 8, 0}, {"byte 3", "dims count 0 out of range 1..4"}));
  EXPECT_TRUE(bad_file(idx_bytes({1, 1, 1, 1, 1}, {7}), {"byte 3", "dims count 5 out of range 1..4"}));
}

TEST(DataIdx, SizesThatOverflowOrExceedTheLimit) {
  EXPECT_TRUE(bad_file(idx_bytes({0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 2}, {}), {"byte 12", "overflow"}));
  // 2^36 bytes promised, over the default 4 GiB limit.
  EXPECT_TRUE(bad_file(idx_bytes({1 << 16, 1 << 16, 16}, {}), {"byte 4", "68719476736 bytes", "limit"}));
  EXPECT_TRUE(bad_file(idx_bytes({10, 10}, pattern(100)), {"100 bytes", "limit of 99"}, false, {.max_bytes = 99}));
}

TEST(DataIdx, HostileHeaderOverATinyFileIsTruncatedNotAllocated) {
  // Promises 4 GiB (at the limit) but holds 3 bytes: read in chunks, this
  // fails after one chunk instead of allocating 4 GiB first.
  EXPECT_TRUE(bad_file(idx_bytes({1 << 16, 1 << 16}, {1, 2, 3}), {"truncated data", "the data ends at byte 15"}));
  EXPECT_TRUE(bad_file(idx_bytes({1 << 16, 1 << 16}, {1, 2, 3}), {"truncated data"}, /*gzip=*/true));
}

TEST(DataIdx, TruncatedHeader) {
  EXPECT_TRUE(bad_file(Bytes{0, 0}, {"byte 2", "truncated header", "holds 2 bytes"}));
  EXPECT_TRUE(bad_file(Bytes{}, {"byte 0", "truncated header"}));
  Bytes b = idx_bytes({5, 5, 5}, {});
  b.resize(10);  // sizes need bytes 4..16
  EXPECT_TRUE(bad_file(b, {"byte 10", "truncated header", "the data ends at byte 10"}));
}

TEST(DataIdx, TruncatedPayload) {
  Bytes b = idx_bytes({2, 3, 4}, pattern(20));  // 24 promised from byte 16
  EXPECT_TRUE(bad_file(b, {"byte 36", "truncated data", "promise 24 bytes from byte 16"}));
  EXPECT_TRUE(bad_file(b, {"byte 36 (decompressed)", "truncated data"}, /*gzip=*/true));
}

TEST(DataIdx, CorruptGzipStream) {
  TempDir dir;
  testing::write_gzip(dir.file("ok.gz"), idx_bytes({1000}, pattern(1000)));
  Bytes gz = testing::read_raw(dir.file("ok.gz"));
  gz.resize(gz.size() / 2);  // cut in the middle of the deflate stream
  testing::write_raw(dir.file("cut.gz"), gz);
  EXPECT_TRUE(throws_with<std::runtime_error>([&] { read_idx(dir.file("cut.gz")); },
                                              {dir.file("cut.gz"), "(decompressed)", "gzip stream"}));
}

TEST(DataIdx, TrailingDataIsAnError) {
  Bytes b = idx_bytes({2, 2}, pattern(5));
  EXPECT_TRUE(bad_file(b, {"byte 16", "trailing data after the 4 bytes"}));
  EXPECT_TRUE(bad_file(b, {"byte 16 (decompressed)", "trailing data"}, /*gzip=*/true));
}

TEST(DataIdx, MissingFileOrDirectory) {
  TempDir dir;
  EXPECT_TRUE(throws_with<std::runtime_error>([&] { read_idx(dir.file("nope")); }, {dir.file("nope"), "no such file"}));
  EXPECT_TRUE(throws_with<std::runtime_error>([&] { read_idx(dir.str()); }, {dir.str(), "is a directory"}));
}

TEST(DataIdx, PairWithCountMismatchOrWrongDims) {
  TempDir dir;
  testing::write_gzip(dir.file("i.gz"), idx_bytes({3, 2, 2}, pattern(12)));
  testing::write_gzip(dir.file("l.gz"), idx_bytes({2}, pattern(2)));
  testing::write_gzip(dir.file("l3.gz"), idx_bytes({3}, pattern(3)));
  EXPECT_TRUE(throws_with<std::runtime_error>([&] { load_idx_pair(dir.file("i.gz"), dir.file("l.gz")); },
                                              {"3 images but 2 labels", dir.file("i.gz"), dir.file("l.gz")}));
  EXPECT_TRUE(throws_with<std::runtime_error>([&] { load_idx_pair(dir.file("l3.gz"), dir.file("l3.gz")); },
                                              {"expected images [N, rows, cols], got [3]"}));
  EXPECT_TRUE(throws_with<std::runtime_error>([&] { load_idx_pair(dir.file("i.gz"), dir.file("i.gz")); },
                                              {"expected labels [N], got [3, 2, 2]"}));
  const Dataset d = load_idx_pair(dir.file("i.gz"), dir.file("l3.gz"));
  EXPECT_EQ(d.images.shape(), (Shape{3, 1, 2, 2}));
  EXPECT_EQ(d.labels.dtype(), DType::i64);
  EXPECT_EQ(to_vector<int64_t>(d.labels), (std::vector<int64_t>{3, 10, 17}));
}

}  // namespace
}  // namespace nabla::data
