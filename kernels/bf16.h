#pragma once
// bfloat16: the upper 16 bits of an IEEE-754 binary32 (1 sign, 8 exponent,
// 7 mantissa bits), usable on the host and in CUDA device code. Arithmetic
// converts to float (exact: every bf16 is a float); storing a float rounds to
// the nearest bf16, ties to even, as TPUs and CUDA's __float2bfloat16_rn do.
// NaN stays NaN (quietened), infinities and signed zeros are kept, float
// subnormals round like any other value (bf16 has the same exponent range).
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define NABLA_HD __host__ __device__
#else
#define NABLA_HD
#endif

namespace nabla::kernels {

NABLA_HD inline uint32_t float_bits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
#endif
}

NABLA_HD inline float bits_float(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, 4);
  return f;
#endif
}

// Round-to-nearest-even of the low 16 bits: add 0x7fff plus the lowest kept
// bit, then truncate. A carry out of the mantissa bumps the exponent, which
// is the correct rounding (up to inf for values beyond the largest bf16).
NABLA_HD inline uint16_t bf16_bits_from_float(float f) {
  const uint32_t u = float_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x0040u);  // NaN: quiet
  const uint32_t rounded = u + 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(rounded >> 16);
}

struct bf16 {
  uint16_t bits = 0;

  bf16() = default;
  NABLA_HD bf16(float f) : bits(bf16_bits_from_float(f)) {}  // NOLINT: implicit like float
  NABLA_HD explicit bf16(double d) : bf16(static_cast<float>(d)) {}
  NABLA_HD operator float() const { return bits_float(static_cast<uint32_t>(bits) << 16); }  // NOLINT

  NABLA_HD static bf16 from_bits(uint16_t b) {
    bf16 x;
    x.bits = b;
    return x;
  }
};

static_assert(sizeof(bf16) == 2, "bf16 is two bytes");

}  // namespace nabla::kernels
