#include "models/data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "core/factory.h"

namespace nabla::data {
namespace {

constexpr size_t kChunk = size_t{1} << 20;

const char* type_name(uint8_t type) {
  switch (type) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "i16";
    case 0x0C: return "i32";
    case 0x0D: return "f32";
    case 0x0E: return "f64";
    default: return nullptr;
  }
}

std::string hex(uint64_t v, int width) {
  std::ostringstream s;
  s << "0x" << std::hex << std::uppercase;
  s.width(width);
  s.fill('0');
  s << v;
  return s.str();
}

bool starts_with_gzip_magic(const std::string& path) {
  unsigned char magic[2] = {0, 0};
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  const size_t n = std::fread(magic, 1, 2, f);
  std::fclose(f);
  return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

// A file read through zlib (which reads raw files as they are), keeping the
// offset reached in the (decompressed) stream for error messages.
class ByteReader {
 public:
  explicit ByteReader(const std::string& path) : path_(path), gzip_(starts_with_gzip_magic(path)) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) fail("no such file");
    if (std::filesystem::is_directory(path, ec)) fail("is a directory, not an IDX file");
    errno = 0;
    file_ = gzopen(path.c_str(), "rb");
    if (!file_) fail(std::string("cannot open: ") + (errno ? std::strerror(errno) : "out of memory"));
    gzbuffer(file_, 1 << 16);
  }
  ~ByteReader() {
    if (file_) gzclose(file_);
  }
  ByteReader(const ByteReader&) = delete;
  ByteReader& operator=(const ByteReader&) = delete;

  uint64_t offset() const { return offset_; }

  // Reads up to n bytes; fewer only at the end of the data.
  size_t read(unsigned char* out, size_t n) {
    size_t got = 0;
    while (got < n) {
      const unsigned ask = static_cast<unsigned>(std::min(n - got, kChunk));
      const int r = gzread(file_, out + got, ask);
      if (r < 0 || (r < static_cast<int>(ask) && gz_failed())) fail_stream(got);
      got += static_cast<size_t>(r);
      if (r < static_cast<int>(ask)) break;
    }
    offset_ += got;
    return got;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("read_idx: " + path_ + ": " + what);
  }
  [[noreturn]] void fail_at(uint64_t offset, const std::string& what) const {
    fail("byte " + std::to_string(offset) + (gzip_ ? " (decompressed)" : "") + ": " + what);
  }

 private:
  bool gz_failed() const {
    int err = Z_OK;
    gzerror(file_, &err);
    return err != Z_OK && err != Z_STREAM_END;
  }
  [[noreturn]] void fail_stream(size_t got) const {
    int err = Z_OK;
    const char* msg = gzerror(file_, &err);
    fail_at(offset_ + got, std::string(gzip_ ? "corrupt or truncated gzip stream: " : "read error: ") +
                               (msg && *msg ? msg : "unknown error"));
  }

  std::string path_;
  bool gzip_;
  gzFile file_ = nullptr;
  uint64_t offset_ = 0;
};

struct Header {
  Shape shape;
  uint64_t bytes = 0;  // payload size the sizes promise
};

Header read_header(ByteReader& in, const IdxOptions& options) {
  unsigned char magic[4];
  const size_t got = in.read(magic, 4);
  if (got < 4)
    in.fail_at(got, "truncated header: the file holds " + std::to_string(got) +
                        " bytes, an IDX header needs at least 4");
  const uint32_t m = (uint32_t{magic[0]} << 24) | (uint32_t{magic[1]} << 16) | (uint32_t{magic[2]} << 8) | magic[3];
  if (magic[0] != 0 || magic[1] != 0)
    in.fail_at(0, "bad magic " + hex(m, 8) + ": not an IDX file (expected 00 00 <type> <dims>, e.g. 0x00000803)");
  if (magic[2] != 0x08) {
    const char* name = type_name(magic[2]);
    if (!name) in.fail_at(2, "unknown element type " + hex(magic[2], 2));
    in.fail_at(2, "element type " + hex(magic[2], 2) + " (" + name +
                      ") is not supported: only 0x08 (unsigned byte) is read");
  }
  const int dims = magic[3];
  if (dims < 1 || dims > 4) in.fail_at(3, "dims count " + std::to_string(dims) + " out of range 1..4");

  unsigned char raw[16];
  const size_t need = 4 * static_cast<size_t>(dims);
  const size_t have = in.read(raw, need);
  if (have < need)
    in.fail_at(4 + have, "truncated header: " + std::to_string(dims) + " sizes need bytes 4.." +
                             std::to_string(4 + need) + ", the data ends at byte " + std::to_string(4 + have));
  // `extent` multiplies the sizes with zeros read as ones: an empty tensor's
  // strides still multiply its other sizes, which must stay within the limit
  // too (a fuzzed [65536, 0, 2^29, 2^27] overflowed them).
  Header h;
  uint64_t extent = 1;
  for (int d = 0; d < dims; ++d) {
    const unsigned char* p = raw + 4 * d;
    const uint64_t size = (uint64_t{p[0]} << 24) | (uint64_t{p[1]} << 16) | (uint64_t{p[2]} << 8) | p[3];
    h.shape.push_back(static_cast<int64_t>(size));
    if (__builtin_mul_overflow(extent, std::max<uint64_t>(size, 1), &extent))
      in.fail_at(4 + 4 * d, "sizes " + str(h.shape) + "... overflow a 64-bit byte count");
  }
  const bool empty = std::find(h.shape.begin(), h.shape.end(), 0) != h.shape.end();
  h.bytes = empty ? 0 : extent;
  if (extent > options.max_bytes)
    in.fail_at(4, "sizes " + str(h.shape) + (empty ? " hold no element, but the others multiply to " : " promise ") +
                      std::to_string(extent) + " bytes, more than the limit of " + std::to_string(options.max_bytes));
  return h;
}

}  // namespace

Tensor read_idx(const std::string& path, const IdxOptions& options) {
  ByteReader in(path);
  const Header h = read_header(in, options);
  const uint64_t start = in.offset();

  // Grow the buffer only as data arrives: a header can lie about the size.
  std::vector<unsigned char> payload;
  while (payload.size() < h.bytes) {
    const size_t old = payload.size();
    const size_t want = static_cast<size_t>(std::min<uint64_t>(h.bytes - old, kChunk));
    payload.resize(old + want);
    const size_t got = in.read(payload.data() + old, want);
    if (got < want)
      in.fail_at(start + old + got, "truncated data: sizes " + str(h.shape) + " promise " +
                                        std::to_string(h.bytes) + " bytes from byte " + std::to_string(start) +
                                        ", the data ends at byte " + std::to_string(start + old + got));
  }
  unsigned char extra;
  if (in.read(&extra, 1) != 0)
    in.fail_at(start + h.bytes, "trailing data after the " + std::to_string(h.bytes) + " bytes that sizes " +
                                    str(h.shape) + " account for");

  Tensor t = empty(h.shape, DType::u8);
  if (!payload.empty()) std::memcpy(t.data<uint8_t>(), payload.data(), payload.size());
  return t;
}

}  // namespace nabla::data
