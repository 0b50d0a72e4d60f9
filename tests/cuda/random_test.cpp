// CPU/GPU RNG equality: the same seed and offset give the same uniform bits.
// Tolerance: uniform, randint and bernoulli bitwise; normal (Box-Muller: the
// device's log, sqrt, sin and cos) tol_for times 10.
#include <gtest/gtest.h>

#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

// Draws with f on a fresh Generator(seed) advanced to `offset`, on `device`.
template <class F>
Tensor draw_on(Device device, uint64_t seed, uint64_t offset, F&& f) {
  Generator gen(seed);
  gen.set_offset(offset);
  return f(device, &gen);
}

TEST(CudaRandom, UniformBitsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (int64_t n : {0, 1, 17, 100003})
      for (uint64_t offset : {0ull, 5ull, (1ull << 40) + 3}) {
        auto f = [&](Device d, Generator* g) { return uniform({n}, -2, 3, Options{t, d}, g); };
        EXPECT_TRUE(bitwise_equal(to_cpu(draw_on(Device::cuda(0), 7, offset, f)), draw_on(Device::cpu(), 7, offset, f)))
            << name(t) << " n=" << n << " offset=" << offset;
      }
}

TEST(CudaRandom, IntegerAndBernoulliBitsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  auto ri = [](Device d, Generator* g) { return randint(-50, 1000, {4097}, Options{DType::i64, d}, g); };
  EXPECT_TRUE(bitwise_equal(to_cpu(draw_on(Device::cuda(0), 3, 11, ri)), draw_on(Device::cpu(), 3, 11, ri)));
  for (DType t : {DType::f32, DType::f64, DType::u8, DType::b8}) {
    auto be = [&](Device d, Generator* g) { return bernoulli({3, 1001}, 0.3, Options{t, d}, g); };
    EXPECT_TRUE(bitwise_equal(to_cpu(draw_on(Device::cuda(0), 9, 2, be)), draw_on(Device::cpu(), 9, 2, be)))
        << name(t);
  }
}

TEST(CudaRandom, NormalMatchesTheCpuToRounding) {
  NABLA_REQUIRE_CUDA();
  // Box-Muller runs through the device's log/cos/sqrt: a few ulp from glibc's.
  for (DType t : float_types()) {
    auto f = [&](Device d, Generator* g) { return normal({65537}, 1.5, 2, Options{t, d}, g); };
    EXPECT_TRUE(matches(draw_on(Device::cuda(0), 5, 123, f), draw_on(Device::cpu(), 5, 123, f), tol_for(t, 10)))
        << name(t);
  }
}

TEST(CudaRandom, DefaultGeneratorAdvancesTheSameOnBothDevices) {
  NABLA_REQUIRE_CUDA();
  manual_seed(42);
  const Tensor a = rand({100}, Options{DType::f32, Device::cuda(0)});
  const Tensor b = rand({100}, Options{DType::f32, Device::cuda(0)});
  manual_seed(42);
  const Tensor a_cpu = rand({100});
  const Tensor b_cpu = rand({100});
  EXPECT_TRUE(bitwise_equal(to_cpu(a), a_cpu));
  EXPECT_TRUE(bitwise_equal(to_cpu(b), b_cpu));
}

}  // namespace
}  // namespace nabla::testing
