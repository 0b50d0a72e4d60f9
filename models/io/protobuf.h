#pragma once
// A minimal protobuf encoder: the wire format of the few messages the
// TensorBoard event writer needs (https://protobuf.dev/programming-guides/encoding/).
#include <cstdint>
#include <string>
#include <string_view>

namespace nabla::io {

class ProtoWriter {
 public:
  void varint(int field, uint64_t value);            // wire type 0 (int32, int64, enums)
  void fixed64(int field, double value);             // wire type 1 (double)
  void fixed32(int field, float value);              // wire type 5 (float)
  void bytes(int field, std::string_view value);     // wire type 2 (string, bytes)
  void message(int field, const ProtoWriter& m) { bytes(field, m.str()); }
  const std::string& str() const { return buf_; }

 private:
  void raw_varint(uint64_t v);
  void tag(int field, int wire_type) { raw_varint(static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire_type)); }
  std::string buf_;
};

}  // namespace nabla::io
