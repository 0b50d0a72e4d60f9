#pragma once
// TensorBoard event files: events.out.tfevents.<unix time>.<host> holding
// TFRecords (u64 length, masked crc32c of the length, data, masked crc32c of
// the data), each an Event protobuf. The first event carries the file
// version "brain.Event:2"; then scalar and image summaries.
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/tensor.h"

namespace nabla::io {

class EventWriter {
 public:
  // Creates `dir` if needed and a new event file in it.
  explicit EventWriter(const std::string& dir);
  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  void add_scalar(const std::string& tag, double value, int64_t step);
  // A u8 [H, W] or [H, W, 3] image, stored PNG-encoded.
  void add_image(const std::string& tag, const Tensor& image_u8, int64_t step);
  void flush();
  const std::string& path() const { return path_; }

 private:
  void write_event(int64_t step, const std::string& summary_or_version, bool is_summary);
  std::string path_;
  std::FILE* file_ = nullptr;
};

// `data` framed as one TFRecord.
std::string tfrecord(const std::string& data);

}  // namespace nabla::io
