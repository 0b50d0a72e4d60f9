#pragma once
// CRC-32C (Castagnoli), as TFRecord framing uses it.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace nabla::io {

uint32_t crc32c(const void* data, size_t n, uint32_t crc = 0);  // crc: the running value, to continue
inline uint32_t crc32c(std::string_view s) { return crc32c(s.data(), s.size()); }
// TFRecord's masked CRC: rotate right by 15 and add a constant, so that a CRC
// stored inside CRC'ed data does not weaken the check.
inline uint32_t masked_crc32c(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

}  // namespace nabla::io
