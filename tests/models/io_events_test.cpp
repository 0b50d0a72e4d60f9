#include <png.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <numeric>

#include "core/factory.h"
#include "models/io/crc32c.h"
#include "models/io/event_writer.h"
#include "models/io/protobuf.h"
#include "tests/models/io_testing.h"

namespace nabla::io {
namespace {

using EventsTest = testing::TempDir;

uint32_t crc_of(const std::vector<uint8_t>& v) { return crc32c(v.data(), v.size()); }

// Test vectors from RFC 3720 (iSCSI), appendix B.4, and the common check value.
TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
  EXPECT_EQ(crc32c("a"), 0xC1D04330u);
  std::vector<uint8_t> v(32, 0);
  EXPECT_EQ(crc_of(v), 0x8A9136AAu);
  std::fill(v.begin(), v.end(), 0xff);
  EXPECT_EQ(crc_of(v), 0x62A8AB43u);
  std::iota(v.begin(), v.end(), 0);
  EXPECT_EQ(crc_of(v), 0x46DD794Eu);
  std::reverse(v.begin(), v.end());
  EXPECT_EQ(crc_of(v), 0x113FDB5Cu);
  // The running value continues a CRC over a split buffer.
  EXPECT_EQ(crc32c("56789", 5, crc32c("1234")), 0xE3069283u);
}

TEST(Crc32c, MaskRotatesAndAddsTheTfRecordConstant) {
  EXPECT_EQ(masked_crc32c(0), 0xa282ead8u);
  EXPECT_EQ(masked_crc32c(0xE3069283u), 0xc78ab0e5u);
}

// Examples from https://protobuf.dev/programming-guides/encoding/.
TEST(ProtoWriter, WireFormat) {
  ProtoWriter a;
  a.varint(1, 150);
  EXPECT_EQ(a.str(), std::string("\x08\x96\x01", 3));
  ProtoWriter b;
  b.bytes(2, "testing");
  EXPECT_EQ(b.str(), std::string("\x12\x07testing"));
  ProtoWriter c;
  c.fixed64(1, 1.0);
  c.fixed32(2, 1.0f);
  EXPECT_EQ(c.str(), std::string("\x09\0\0\0\0\0\0\xf0\x3f\x15\0\0\x80\x3f", 14));
  ProtoWriter d;
  d.varint(2, static_cast<uint64_t>(int64_t{-1}));  // int64 -1: ten bytes
  EXPECT_EQ(d.str(), std::string("\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11));
  ProtoWriter e;
  e.message(3, a);
  EXPECT_EQ(e.str(), std::string("\x1a\x03\x08\x96\x01", 5));
}

uint64_t le(const std::string& s, size_t at, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(s[at + i]);
  return v;
}

TEST(TfRecord, Framing) {
  const std::string r = tfrecord("abc");
  ASSERT_EQ(r.size(), 8u + 4 + 3 + 4);
  EXPECT_EQ(le(r, 0, 8), 3u);
  EXPECT_EQ(le(r, 8, 4), masked_crc32c(crc32c(r.data(), 8)));
  EXPECT_EQ(r.substr(12, 3), "abc");
  EXPECT_EQ(le(r, 15, 4), masked_crc32c(crc32c("abc")));
}

// ------------------------------------------------- reading event files back

struct Field {
  int wire = 0;
  uint64_t number = 0;  // varint, fixed32, fixed64 bits
  std::string bytes;
};
using Message = std::multimap<int, Field>;

uint64_t read_varint(const std::string& s, size_t& at) {
  uint64_t v = 0;
  for (int shift = 0; at < s.size(); shift += 7) {
    const auto b = static_cast<uint8_t>(s[at++]);
    v |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return v;
  }
  ADD_FAILURE() << "varint runs off the end";
  return v;
}

Message decode(const std::string& s) {
  Message m;
  for (size_t at = 0; at < s.size();) {
    const uint64_t key = read_varint(s, at);
    Field f;
    f.wire = static_cast<int>(key & 7);
    if (f.wire == 0) {
      f.number = read_varint(s, at);
    } else if (f.wire == 1 || f.wire == 5) {
      const int n = f.wire == 1 ? 8 : 4;
      f.number = le(s, at, n);
      at += n;
    } else if (f.wire == 2) {
      const uint64_t n = read_varint(s, at);
      f.bytes = s.substr(at, n);
      at += n;
    } else {
      ADD_FAILURE() << "unexpected wire type " << f.wire;
      break;
    }
    m.emplace(static_cast<int>(key >> 3), f);
  }
  return m;
}

const Field& only(const Message& m, int field) {
  EXPECT_EQ(m.count(field), 1u) << "field " << field;
  static const Field none;
  const auto it = m.find(field);
  return it == m.end() ? none : it->second;
}

template <class T>
T bits_as(uint64_t bits) {
  T v;
  if constexpr (sizeof(T) == 4) {
    const auto b = static_cast<uint32_t>(bits);
    std::memcpy(&v, &b, 4);
  } else {
    std::memcpy(&v, &bits, 8);
  }
  return v;
}

// The Event messages of a TFRecord file, checking both CRCs of every record.
std::vector<Message> read_events(const std::string& path) {
  const std::string s = testing::read_file(path);
  std::vector<Message> events;
  size_t at = 0;
  while (at < s.size()) {
    EXPECT_LE(at + 12, s.size()) << "truncated record header";
    const uint64_t n = le(s, at, 8);
    EXPECT_EQ(le(s, at + 8, 4), masked_crc32c(crc32c(s.data() + at, 8))) << "length crc at " << at;
    EXPECT_LE(at + 12 + n + 4, s.size()) << "truncated record";
    if (at + 12 + n + 4 > s.size()) break;
    const std::string data = s.substr(at + 12, n);
    EXPECT_EQ(le(s, at + 12 + n, 4), masked_crc32c(crc32c(data))) << "data crc at " << at;
    events.push_back(decode(data));
    at += 12 + n + 4;
  }
  return events;
}

double now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

TEST_F(EventsTest, ScalarAndImageSummaries) {
  const double t0 = now();
  std::string file;
  std::vector<uint8_t> pixels(3 * 4 * 3);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<uint8_t>(i * 7);
  {
    EventWriter w(path("tb"));
    file = w.path();
    w.add_scalar("loss/d", 0.75, 10);
    w.add_scalar("loss/g", -2.5, 11);
    w.add_image("samples", tensor<uint8_t>(pixels, {3, 4, 3}), 12);
    w.add_image("grey", tensor<uint8_t>({0, 255}, {1, 2}), 13);
  }
  EXPECT_EQ(std::filesystem::path(file).parent_path(), std::filesystem::path(path("tb")));
  EXPECT_EQ(std::filesystem::path(file).filename().string().rfind("events.out.tfevents.", 0), 0u) << file;
  const std::vector<Message> ev = read_events(file);
  ASSERT_EQ(ev.size(), 5u);

  // The first event names the file version.
  EXPECT_EQ(only(ev[0], 3).bytes, "brain.Event:2");
  const double wall = bits_as<double>(only(ev[0], 1).number);
  EXPECT_GE(wall, t0 - 1);
  EXPECT_LE(wall, now() + 1);

  const std::pair<const char*, float> scalars[] = {{"loss/d", 0.75f}, {"loss/g", -2.5f}};
  for (int i = 0; i < 2; ++i) {
    const Message& e = ev[1 + i];
    EXPECT_EQ(only(e, 2).number, uint64_t(10 + i));  // step
    const Message value = decode(only(decode(only(e, 5).bytes), 1).bytes);
    EXPECT_EQ(only(value, 1).bytes, scalars[i].first);
    EXPECT_EQ(only(value, 2).wire, 5);
    EXPECT_EQ(bits_as<float>(only(value, 2).number), scalars[i].second);
  }

  const struct {
    const char* tag;
    uint64_t h, w, colorspace;
    std::vector<uint8_t> pixels;
    png_uint_32 format;
  } images[] = {{"samples", 3, 4, 3, pixels, PNG_FORMAT_RGB}, {"grey", 1, 2, 1, {0, 255}, PNG_FORMAT_GRAY}};
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(images[i].tag);
    const Message& e = ev[3 + i];
    EXPECT_EQ(only(e, 2).number, uint64_t(12 + i));
    const Message value = decode(only(decode(only(e, 5).bytes), 1).bytes);
    EXPECT_EQ(only(value, 1).bytes, images[i].tag);
    const Message image = decode(only(value, 4).bytes);
    EXPECT_EQ(only(image, 1).number, images[i].h);
    EXPECT_EQ(only(image, 2).number, images[i].w);
    EXPECT_EQ(only(image, 3).number, images[i].colorspace);
    const std::string& png = only(image, 4).bytes;
    png_image img{};
    img.version = PNG_IMAGE_VERSION;
    ASSERT_TRUE(png_image_begin_read_from_memory(&img, png.data(), png.size())) << img.message;
    img.format = images[i].format;
    std::vector<uint8_t> decoded(PNG_IMAGE_SIZE(img));
    ASSERT_TRUE(png_image_finish_read(&img, nullptr, decoded.data(), 0, nullptr)) << img.message;
    EXPECT_EQ(decoded, images[i].pixels);
  }
}

TEST_F(EventsTest, TwoWritersGetTwoFilesAndFlushEachEvent) {
  EventWriter a(dir_.string()), b(dir_.string());
  EXPECT_NE(a.path(), b.path());
  a.add_scalar("x", 1, 1);
  EXPECT_EQ(read_events(a.path()).size(), 2u);  // visible before the writer closes
  EXPECT_EQ(read_events(b.path()).size(), 1u);
  EXPECT_THROW(a.add_image("bad", zeros({2, 2}), 1), std::invalid_argument);  // f32 is not an image
  EXPECT_EQ(read_events(a.path()).size(), 2u);
  testing::write_file(path("file"), "x");
  EXPECT_THROW(EventWriter(path("file") + "/tb"), std::runtime_error);
}

}  // namespace
}  // namespace nabla::io
