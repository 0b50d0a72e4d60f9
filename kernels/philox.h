#pragma once
// Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as
// 1, 2, 3"): a counter-based generator. Block(counter, key) is a pure
// function, so any element of a stream can be computed independently and in
// parallel, and the CPU and the GPU produce the same numbers.
//
// nabla's stream: element i of a draw at generator offset o uses the block
// with counter (o + i) (low 64 bits; high 64 bits zero) and key = seed. One
// block per element leaves enough words for any element type (a float64
// uniform takes two, a Box-Muller normal two or four).
#include <cstdint>

#if defined(__CUDACC__)
#define NABLA_HD __host__ __device__ __forceinline__
#else
#define NABLA_HD inline
#endif

namespace nabla::kernels {

struct Philox4 {
  uint32_t w[4];
};

NABLA_HD Philox4 philox4x32_10(uint64_t counter_lo, uint64_t counter_hi, uint64_t key) {
  constexpr uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u;  // round multipliers
  constexpr uint32_t W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;  // key schedule (golden ratio, sqrt 3 - 1)
  uint32_t c0 = static_cast<uint32_t>(counter_lo), c1 = static_cast<uint32_t>(counter_lo >> 32);
  uint32_t c2 = static_cast<uint32_t>(counter_hi), c3 = static_cast<uint32_t>(counter_hi >> 32);
  uint32_t k0 = static_cast<uint32_t>(key), k1 = static_cast<uint32_t>(key >> 32);
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = static_cast<uint64_t>(M0) * c0;
    const uint64_t p1 = static_cast<uint64_t>(M1) * c2;
    const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
    k0 += W0;
    k1 += W1;
  }
  return {{c0, c1, c2, c3}};
}

// Uniform in [0, 1) from the top 24 bits of one word.
NABLA_HD float uniform_f32(uint32_t w) { return static_cast<float>(w >> 8) * (1.0f / 16777216.0f); }
// Uniform in [0, 1) from 53 bits of two words.
NABLA_HD double uniform_f64(uint32_t hi, uint32_t lo) {
  const uint64_t bits = ((static_cast<uint64_t>(hi) << 32) | lo) >> 11;
  return static_cast<double>(bits) * (1.0 / 9007199254740992.0);
}

}  // namespace nabla::kernels
