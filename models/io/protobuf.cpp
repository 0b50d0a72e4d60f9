#include "models/io/protobuf.h"

#include <cstring>

namespace nabla::io {

void ProtoWriter::raw_varint(uint64_t v) {
  while (v >= 0x80) {
    buf_.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  buf_.push_back(static_cast<char>(v));
}

void ProtoWriter::varint(int field, uint64_t value) {
  tag(field, 0);
  raw_varint(value);
}

// Fixed-width fields are little-endian.
void ProtoWriter::fixed64(int field, double value) {
  tag(field, 1);
  uint64_t bits;
  std::memcpy(&bits, &value, 8);
  for (int i = 0; i < 8; ++i) buf_.push_back(static_cast<char>(bits >> (8 * i)));
}

void ProtoWriter::fixed32(int field, float value) {
  tag(field, 5);
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  for (int i = 0; i < 4; ++i) buf_.push_back(static_cast<char>(bits >> (8 * i)));
}

void ProtoWriter::bytes(int field, std::string_view value) {
  tag(field, 2);
  raw_varint(value.size());
  buf_.append(value);
}

}  // namespace nabla::io
