#include "core/serialize.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "tests/testing.h"

namespace nabla {
namespace {

namespace fs = std::filesystem;

class Safetensors : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nabla_st_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // A file with the given header length field, header text and data bytes.
  std::string raw(uint64_t length, const std::string& header, const std::string& data) {
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(length >> (8 * i));
    bytes += header + data;
    const std::string p = path("hostile.safetensors");
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  std::string raw(const std::string& header, const std::string& data) { return raw(header.size(), header, data); }

  fs::path dir_;
};

// The error of loading `p`, or "" if it loads.
std::string load_error(const std::string& p) {
  try {
    load_safetensors(p);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

#define EXPECT_REJECTED(p, ...)                                                          \
  do {                                                                                   \
    const std::string _e = load_error(p);                                                \
    ASSERT_FALSE(_e.empty()) << "file was accepted";                                     \
    EXPECT_NE(_e.find(p), std::string::npos) << _e;                                      \
    for (const std::string& part : std::initializer_list<std::string>{__VA_ARGS__})      \
      EXPECT_NE(_e.find(part), std::string::npos) << _e;                                 \
  } while (0)

Tensor bf16_tensor(const std::vector<uint16_t>& bits, const Shape& shape) {
  Tensor t = make_tensor(shape, DType::bf16, Device::cpu());
  std::memcpy(t.data_ptr(), bits.data(), bits.size() * 2);
  return t;
}

std::vector<unsigned char> bytes_of(const Tensor& t) {
  const auto* p = static_cast<const unsigned char*>(t.data_ptr());
  return {p, p + t.numel() * itemsize(t.dtype())};
}

TEST_F(Safetensors, RoundTripEveryDtypeAndShape) {
  const NamedTensors in = {
      {"f32", tensor<float>({1.5f, -2, 3e-8f, 4, 5, 6}, {2, 3})},
      {"f64", tensor<double>({1.0 / 3, -1e300}, {2})},
      {"i64", tensor<int64_t>({-1, 1LL << 40, 7}, {3, 1})},
      {"u8", tensor<uint8_t>({0, 255, 17}, {3})},
      {"bool", tensor<bool>({true, false, true, true}, {2, 2})},
      {"bf16", bf16_tensor({0x3f80, 0xc000, 0x7f80}, {3})},
      {"scalar", scalar(2.5, DType::f64)},
      {"empty", zeros({0, 4})},
      {"empty_i64", zeros({2, 0}, DType::i64)},
  };
  save_safetensors(path("a.safetensors"), in);
  const auto out = load_safetensors(path("a.safetensors"));
  ASSERT_EQ(out.tensors.size(), in.size());
  EXPECT_TRUE(out.metadata.empty());
  for (size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(in[i].first);
    EXPECT_EQ(out.tensors[i].first, in[i].first);  // saved order is kept
    const Tensor& t = out.tensors[i].second;
    EXPECT_EQ(t.dtype(), in[i].second.dtype());
    EXPECT_EQ(t.shape(), in[i].second.shape());
    EXPECT_EQ(bytes_of(t), bytes_of(in[i].second));
  }
}

TEST_F(Safetensors, NoncontiguousInputsAreWrittenRowMajor) {
  Tensor x = arange(0, 12, 1, DType::f64);
  Tensor m = prim::reshape(x, {3, 4});
  Tensor nc = testing::noncontiguous(m);
  Tensor t = prim::transpose(m, 0, 1);          // [4, 3], strides [1, 4]
  Tensor s = prim::slice(x, 0, 1, 12, 3);       // 1, 4, 7, 10
  ASSERT_FALSE(nc.is_contiguous());
  save_safetensors(path("nc.safetensors"), {{"nc", nc}, {"t", t}, {"s", s}});
  const auto out = load_safetensors(path("nc.safetensors"));
  EXPECT_TRUE(testing::allclose(out.tensors[0].second, m, 0, 0));
  EXPECT_TRUE(testing::allclose(out.tensors[1].second, prim::contiguous(t), 0, 0));
  EXPECT_EQ(to_vector<double>(out.tensors[2].second), (std::vector<double>{1, 4, 7, 10}));
}

TEST_F(Safetensors, LookupByName) {
  save_safetensors(path("n.safetensors"), {{"net.0.weight", ones({2})}, {"net.0.bias", zeros({1})}});
  const auto st = load_safetensors(path("n.safetensors"));
  ASSERT_NE(st.find("net.0.bias"), nullptr);
  EXPECT_EQ(st.find("net.0.bias")->shape(), (Shape{1}));
  EXPECT_EQ(st.find("net.1.bias"), nullptr);
  EXPECT_EQ(to_vector<float>(st.at("net.0.weight")), (std::vector<float>{1, 1}));
  try {
    st.at("missing");
    FAIL() << "no throw";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("'missing'"), std::string::npos) << e.what();
  }
}

TEST_F(Safetensors, MetadataRoundTrip) {
  const std::map<std::string, std::string> meta = {{"format", "pt"}, {"step", "1200"}, {"note", "a \"q\"\n"}};
  save_safetensors(path("m.safetensors"), {{"w", ones({2})}}, meta);
  EXPECT_EQ(load_safetensors(path("m.safetensors")).metadata, meta);
}

TEST_F(Safetensors, HeaderIsPaddedAndDataAligned) {
  save_safetensors(path("p.safetensors"), {{"x", ones({3})}});
  std::ifstream f(path("p.safetensors"), std::ios::binary);
  uint64_t n = 0;
  f.read(reinterpret_cast<char*>(&n), 8);
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(fs::file_size(path("p.safetensors")), 8 + n + 12);
}

TEST_F(Safetensors, SaveRejectsBadNames) {
  EXPECT_THROW(save_safetensors(path("d"), {{"a", ones({1})}, {"a", ones({1})}}), std::invalid_argument);
  EXPECT_THROW(save_safetensors(path("d"), {{"__metadata__", ones({1})}}), std::invalid_argument);
  EXPECT_THROW(save_safetensors(path("d"), {{"", ones({1})}}), std::invalid_argument);
  EXPECT_FALSE(fs::exists(path("d")));
}

TEST_F(Safetensors, WriteIsAtomic) {
  const std::string p = path("w.safetensors");
  save_safetensors(p, {{"x", ones({4})}});
  save_safetensors(p, {{"x", zeros({4})}});  // replaces
  EXPECT_EQ(to_vector<float>(load_safetensors(p).tensors[0].second), (std::vector<float>(4, 0.f)));
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename(), "w.safetensors") << "left behind: " << e.path();

  const std::string missing = path("no/such/dir/w.safetensors");
  EXPECT_THROW(save_safetensors(missing, {{"x", ones({4})}}), std::runtime_error);
  // A failing write leaves the old file as it was.
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  if (::access(dir_.c_str(), W_OK) != 0) {  // root ignores permissions
    EXPECT_THROW(save_safetensors(p, {{"x", ones({4})}}), std::runtime_error);
  }
  fs::permissions(dir_, fs::perms::owner_all);
  EXPECT_EQ(to_vector<float>(load_safetensors(p).tensors[0].second), (std::vector<float>(4, 0.f)));
}

TEST_F(Safetensors, AtomicFileReplacesOnlyOnCommit) {
  const std::string p = path("f.bin");
  std::ofstream(p) << "old";
  auto contents = [&] {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), {});
  };
  AtomicFile f(p);
  const std::string prefix = p + ".tmp." + std::to_string(::getpid()) + ".";
  EXPECT_EQ(f.temp_path().rfind(prefix, 0), 0u) << f.temp_path();
  AtomicFile g(p);
  EXPECT_NE(g.temp_path(), f.temp_path());
  f.write("new ");
  f.write(std::string_view("contents"));
  EXPECT_EQ(contents(), "old");  // readers see the old file until the rename
  f.commit();
  EXPECT_EQ(contents(), "new contents");
  EXPECT_FALSE(fs::exists(f.temp_path()));
  EXPECT_THROW(f.write("more"), std::logic_error);
  EXPECT_THROW(f.commit(), std::logic_error);
}

TEST_F(Safetensors, AtomicFileRemovesTempOnAbandon) {
  const std::string p = path("f.bin");
  std::ofstream(p) << "old";
  {
    AtomicFile f(p);
    f.write("new contents");
    EXPECT_TRUE(fs::exists(f.temp_path()));
  }  // never committed
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
  std::ifstream in(p);
  std::string s((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(s, "old");
}

const std::string kGood = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";

TEST_F(Safetensors, HostileFilesAreRejected) {
  const std::string data8(8, '\0');
  EXPECT_REJECTED(raw(0, "", ""), "not valid JSON", "at byte 8");  // an empty header
  {  // three bytes: shorter than the length field
    const std::string p = path("short");
    std::ofstream(p) << "abc";
    EXPECT_REJECTED(p, "truncated", "3 bytes");
  }
  EXPECT_REJECTED(raw(1000, kGood, data8), "header length 1000", "past the end", "at byte 0");
  EXPECT_REJECTED(raw(uint64_t(1) << 63, kGood, data8), "past the end");
  EXPECT_REJECTED(raw(kGood, data8.substr(0, 5)), "tensor 'x'", "past the end");  // truncated data
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F32",)", ""), "not valid JSON", "at byte");
  EXPECT_REJECTED(raw("[1, 2]", ""), "not a JSON object");
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", "1234"), "unknown dtype 'F16'");
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", data8), "not a non-negative");
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}})", data8), "not a non-negative");
  {  // shape and dtype disagree with the byte count
    const std::string h = R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})";
    EXPECT_REJECTED(raw(h, data8), "tensor 'x'", "hold 8 bytes", "f32[3] needs 12",
                    ("at byte " + std::to_string(8 + h.size())).c_str());
    const std::string h64 = R"({"x":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}})";
    EXPECT_REJECTED(raw(h64, data8), "f64[2] needs 16");
  }
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})", data8),
                  "overflows");
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"U8","shape":[18446744073709551615],"data_offsets":[0,8]}})", data8),
                  "overflows");
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", data8), "past the end");
  {
    const std::string h = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})";
    EXPECT_REJECTED(raw(h, data8), "end before", ("at byte " + std::to_string(8 + h.size())).c_str());
  }
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0]}})", data8), "data_offsets must");
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F32","shape":[2]}})", data8), "data_offsets must");
  EXPECT_REJECTED(raw(R"({"x":{"shape":[2],"data_offsets":[0,8]}})", data8), "dtype");
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"y":1}})", data8), "unexpected field");
  EXPECT_REJECTED(raw(R"({"x":5})", ""), "not a JSON object");
  EXPECT_REJECTED(raw(R"({"__metadata__":{"a":1}})", ""), "__metadata__", "not a string");
  EXPECT_REJECTED(raw(R"({"__metadata__":[1]})", ""), "__metadata__ is not");
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]}})", "\x02"), "BOOL byte 2");
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"U8","shape":[1,1,1,1,1,1,1,1,1],"data_offsets":[0,1]}})", "a"),
                  "9 dims");
}

TEST_F(Safetensors, OverlapsGapsAndDuplicatesAreRejected) {
  const std::string data16(16, '\0');
  // Offsets are relative to the data buffer, which starts at 8 + header length.
  const std::string overlap =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  EXPECT_REJECTED(raw(overlap, data16.substr(0, 12)), "'a' [0, 8)", "'b' [4, 12) overlap",
                  ("at byte " + std::to_string(8 + overlap.size() + 4)).c_str());
  const std::string gap =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}})";
  EXPECT_REJECTED(raw(gap, std::string(20, '\0')), "gap", "[8, 12)");
  EXPECT_REJECTED(raw(kGood, data16), "gap", "[8, 16)");  // trailing bytes nobody owns
  EXPECT_REJECTED(raw(R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", std::string(12, '\0')), "gap",
                  "[0, 4)");
  const std::string dup =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
  EXPECT_REJECTED(raw(dup, data16), "duplicate tensor name 'a'");
}

TEST_F(Safetensors, HeaderLengthAboveTheCapIsRejectedBeforeReading) {
  // A sparse file long enough to hold a 100 MiB + 1 header: the cap, not the
  // file size, must stop the reader before it allocates the header.
  const uint64_t n = (uint64_t{100} << 20) + 1;
  const std::string p = raw(n, "", "");
  fs::resize_file(p, 8 + n);
  EXPECT_REJECTED(p, "header length 104857601", "exceeds", "at byte 0");
}

TEST_F(Safetensors, EveryTruncationOfAGoodFileIsRejected) {
  const std::string good = path("good.safetensors");
  save_safetensors(good, {{"a", tensor<float>({1, 2, 3}, {3})}, {"b", tensor<int64_t>({4, 5}, {2})}}, {{"k", "v"}});
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const std::string p = path("cut.safetensors");
  for (size_t n = 0; n < bytes.size(); ++n) {
    SCOPED_TRACE("truncated to " + std::to_string(n) + " bytes");
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes.substr(0, n);
    EXPECT_REJECTED(p, n < 8 ? "truncated" : "past the end");
  }
}

// Every single-byte corruption either loads or throws std::runtime_error
// naming the file: never a crash, another exception type or a huge allocation.
TEST_F(Safetensors, CorruptedBytesNeverCrash) {
  const std::string good = path("good.safetensors");
  save_safetensors(good, {{"w", tensor<float>({1, 2}, {2})}, {"m", tensor<bool>({true, false}, {2})}});
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const std::string p = path("bad.safetensors");
  int rejected = 0;
  for (size_t i = 0; i < bytes.size(); ++i)
    for (unsigned char v : {0x00, 0x22, 0x39, 0x7d, 0xff}) {
      std::string b = bytes;
      if (static_cast<unsigned char>(b[i]) == v) continue;
      b[i] = static_cast<char>(v);
      std::ofstream(p, std::ios::binary | std::ios::trunc) << b;
      try {
        load_safetensors(p);
      } catch (const std::runtime_error& e) {
        ++rejected;
        EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
      }
    }
  EXPECT_GT(rejected, 200);
}

TEST_F(Safetensors, DataOrderNeedNotFollowHeaderOrder) {
  // JSON objects are unordered: "a" may own the second range.
  const std::string p = raw(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[2,4]},)"
                            R"("b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})",
                            "bbaa");
  const auto out = load_safetensors(p);
  ASSERT_EQ(out.tensors.size(), 2u);
  EXPECT_EQ(out.tensors[0].first, "b");  // buffer order
  EXPECT_EQ(to_vector<uint8_t>(out.tensors[0].second), (std::vector<uint8_t>{'b', 'b'}));
  EXPECT_EQ(out.tensors[1].first, "a");
  EXPECT_EQ(to_vector<uint8_t>(out.tensors[1].second), (std::vector<uint8_t>{'a', 'a'}));
}

TEST_F(Safetensors, EmptyTensorsNeedNoBytes) {
  const std::string p = raw(R"({"e":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},)"
                            R"("x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})",
                            "ab");
  const auto out = load_safetensors(p);
  ASSERT_EQ(out.tensors.size(), 2u);
  EXPECT_EQ(out.tensors[0].second.shape(), (Shape{0, 3}));
  EXPECT_EQ(to_vector<uint8_t>(out.tensors[1].second), (std::vector<uint8_t>{'a', 'b'}));
}

TEST_F(Safetensors, MissingFileNamesThePath) {
  EXPECT_REJECTED(path("nope.safetensors"), "cannot");
}

}  // namespace
}  // namespace nabla
