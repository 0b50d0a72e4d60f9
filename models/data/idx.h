#pragma once
// IDX files (LeCun's MNIST format), raw or gzip-compressed.
//
// Layout: two zero bytes, a type byte (0x08 unsigned byte, 0x09 signed byte,
// 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64), a byte giving the number of dims,
// then each dim as a big-endian u32, then the elements in row-major order.
// So images are magic 0x00000803 [N, rows, cols] and labels 0x00000801 [N].
//
// Only type 0x08 is read (all MNIST-family data sets use it); the others are
// refused by name. A bad file throws std::runtime_error naming the file and
// the byte offset (in the decompressed stream for a gzip file): bad magic, an
// unsupported or unknown type, a dims count outside 1..4, sizes whose product
// overflows or exceeds IdxOptions::max_bytes, a truncated header or payload,
// a corrupt gzip stream, and trailing bytes after the payload. Trailing bytes
// are an error, not a warning: they mean the header's sizes do not describe
// what was written. The payload is read in chunks, so a hostile header that
// promises more than the file holds allocates no more than the file's size
// plus one chunk.
#include <cstdint>
#include <string>

#include "core/tensor.h"

namespace nabla::data {

struct IdxOptions {
  uint64_t max_bytes = uint64_t{1} << 32;  // largest payload a header may promise
};

// The file's elements as a contiguous u8 tensor of the header's shape.
Tensor read_idx(const std::string& path, const IdxOptions& options = {});

}  // namespace nabla::data
