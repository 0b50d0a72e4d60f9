#include "models/io/event_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "models/io/crc32c.h"
#include "models/io/png.h"
#include "models/io/protobuf.h"

namespace nabla::io {

namespace {

// Field numbers from tensorflow/core/util/event.proto and
// tensorflow/core/framework/summary.proto.
enum EventField { kWallTime = 1, kStep = 2, kFileVersion = 3, kSummary = 5 };
enum SummaryField { kValue = 1 };
enum ValueField { kTag = 1, kSimpleValue = 2, kImage = 4 };
enum ImageField { kHeight = 1, kWidth = 2, kColorspace = 3, kEncoded = 4 };

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

void put_le(std::string& out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// A new file, never an existing one: two writers in one second get ".1", ".2".
std::FILE* create_unique(std::string& path) {
  const std::string base = path;
  for (int n = 1;; ++n) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) {
      if (std::FILE* f = ::fdopen(fd, "wb")) return f;
      const int err = errno;
      ::close(fd);
      throw std::runtime_error(path + ": cannot open a stream: " + std::strerror(err));
    }
    if (errno != EEXIST || n > 1000) throw std::runtime_error(path + ": cannot create: " + std::strerror(errno));
    path = base + "." + std::to_string(n);
  }
}

}  // namespace

std::string tfrecord(const std::string& data) {
  std::string out;
  put_le(out, data.size(), 8);
  put_le(out, masked_crc32c(crc32c(out.data(), 8)), 4);
  out += data;
  put_le(out, masked_crc32c(crc32c(data)), 4);
  return out;
}

EventWriter::EventWriter(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error(dir + ": cannot create directory: " + ec.message());
  path_ = (std::filesystem::path(dir) /
           ("events.out.tfevents." + std::to_string(static_cast<int64_t>(now_seconds())) + "." + host_name()))
              .string();
  file_ = create_unique(path_);
  if (!file_) throw std::runtime_error(path_ + ": cannot open: " + std::strerror(errno));
  write_event(0, "brain.Event:2", /*is_summary=*/false);
  flush();
}

EventWriter::~EventWriter() {
  if (file_) std::fclose(file_);
}

void EventWriter::write_event(int64_t step, const std::string& payload, bool is_summary) {
  ProtoWriter event;
  event.fixed64(kWallTime, now_seconds());
  event.varint(kStep, static_cast<uint64_t>(step));
  event.bytes(is_summary ? kSummary : kFileVersion, payload);
  const std::string record = tfrecord(event.str());
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size())
    throw std::runtime_error(path_ + ": write failed: " + std::strerror(errno));
}

void EventWriter::add_scalar(const std::string& tag, double value, int64_t step) {
  ProtoWriter v, summary;
  v.bytes(kTag, tag);
  v.fixed32(kSimpleValue, static_cast<float>(value));
  summary.message(kValue, v);
  write_event(step, summary.str(), true);
  flush();
}

void EventWriter::add_image(const std::string& tag, const Tensor& image_u8, int64_t step) {
  const std::string png = encode_png(image_u8);
  ProtoWriter image, v, summary;
  image.varint(kHeight, static_cast<uint64_t>(image_u8.size(0)));
  image.varint(kWidth, static_cast<uint64_t>(image_u8.size(1)));
  image.varint(kColorspace, image_u8.dim() == 2 ? 1 : 3);  // 1 grey, 3 RGB
  image.bytes(kEncoded, png);
  v.bytes(kTag, tag);
  v.message(kImage, image);
  summary.message(kValue, v);
  write_event(step, summary.str(), true);
  flush();
}

void EventWriter::flush() {
  if (std::fflush(file_) != 0) throw std::runtime_error(path_ + ": flush failed: " + std::strerror(errno));
}

}  // namespace nabla::io
