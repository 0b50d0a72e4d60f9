#pragma once
// Random tensors from a counter-based Philox4x32-10 stream. A Generator is
// (seed, offset): each draw of n elements uses blocks offset .. offset+n-1
// and advances the offset by n, so the same seed gives the same numbers on
// any device and any thread count.
#include <cstdint>
#include <mutex>

#include "core/factory.h"

namespace nabla {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : seed_(seed) {}
  void manual_seed(uint64_t seed);
  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  void set_offset(uint64_t offset);
  // Reserves n blocks of the stream; returns the offset of the first.
  uint64_t advance(uint64_t n);

 private:
  uint64_t seed_ = 0;
  uint64_t offset_ = 0;
  std::mutex mutex_;
};

// The generator used when none is passed (seed 0 until manual_seed).
Generator& default_generator();
void manual_seed(uint64_t seed);

// U[low, high) of a floating dtype.
Tensor rand(const Shape& shape, Options options = {}, Generator* gen = nullptr);
Tensor uniform(const Shape& shape, double low, double high, Options options = {}, Generator* gen = nullptr);
// Normal(mean, std) by Box-Muller.
Tensor randn(const Shape& shape, Options options = {}, Generator* gen = nullptr);
Tensor normal(const Shape& shape, double mean, double std, Options options = {}, Generator* gen = nullptr);
// Integers in [low, high); dtype i64 unless options say otherwise.
Tensor randint(int64_t low, int64_t high, const Shape& shape, Options options = DType::i64,
               Generator* gen = nullptr);
// 1 with probability p, else 0, of options' dtype.
Tensor bernoulli(const Shape& shape, double p, Options options = {}, Generator* gen = nullptr);
// Elementwise Bernoulli(p[i]) of p's dtype and shape.
Tensor bernoulli(const Tensor& p, Generator* gen = nullptr);

Tensor rand_like(const Tensor& x, Generator* gen = nullptr);
Tensor randn_like(const Tensor& x, Generator* gen = nullptr);

}  // namespace nabla
