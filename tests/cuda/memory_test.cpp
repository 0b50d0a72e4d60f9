// The caching allocator, copies between devices and the backend switch.
#include <gtest/gtest.h>

#include "core/backend.h"
#include "kernels/device.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

TEST(CudaNoDevice, AllocationNamesTheDevice) {
  if (cuda_device_count() > 0) GTEST_SKIP() << "a CUDA device is present";
  EXPECT_TRUE(throws_message<std::runtime_error>([] { zeros({3}, Options{DType::f32, Device::cuda(0)}); },
                                                 "zeros on cuda", {"cuda:0", "no such CUDA device"}));
  EXPECT_EQ(cuda_memory_stats().reserved, 0u);
}

TEST(CudaBackend, SwitchValidatesNames) {
  EXPECT_EQ(backend("matmul"), kernels::Backend::hand);
  set_backend("matmul", "vendor");
  EXPECT_EQ(backend("matmul"), kernels::Backend::vendor);
  set_backend("matmul", "hand");
  EXPECT_EQ(backend("matmul"), kernels::Backend::hand);
  EXPECT_TRUE(throws_message<std::invalid_argument>([] { set_backend("matmul", "cudnn"); }, "bad backend",
                                                    {"set_backend", "cudnn"}));
  EXPECT_TRUE(throws_message<std::invalid_argument>([] { set_backend("gemm", "hand"); }, "bad family",
                                                    {"set_backend", "gemm"}));
}

TEST(CudaAllocator, StatsCacheAndReuse) {
  NABLA_REQUIRE_CUDA();
  cuda_empty_cache();
  const CudaMemoryStats s0 = cuda_memory_stats();
  {
    Tensor t = empty({1000}, Options{DType::f32, Device::cuda(0)});  // 4000 B, rounded to 4096
    const CudaMemoryStats s1 = cuda_memory_stats();
    EXPECT_EQ(s1.allocated - s0.allocated, 4096u);
    EXPECT_GE(s1.reserved - s0.reserved, 4096u);
    EXPECT_GE(s1.peak, s1.allocated);
  }
  const CudaMemoryStats s2 = cuda_memory_stats();
  EXPECT_EQ(s2.allocated, s0.allocated);   // freed...
  EXPECT_GE(s2.reserved, s0.reserved + 4096);  // ...into the cache
  {
    Tensor t = empty({1000}, Options{DType::f32, Device::cuda(0)});
    EXPECT_EQ(cuda_memory_stats().cudamalloc_calls, s2.cudamalloc_calls);  // reused, no cudaMalloc
  }
  cuda_empty_cache();
  EXPECT_EQ(cuda_memory_stats().reserved, cuda_memory_stats().allocated);
}

TEST(CudaAllocator, OutOfMemoryIsAClearError) {
  NABLA_REQUIRE_CUDA();
  const int64_t huge = int64_t(1) << 46;  // 256 TiB of f32
  EXPECT_TRUE(throws_message<std::runtime_error>([&] { empty({huge}, Options{DType::f32, Device::cuda(0)}); },
                                                 "huge allocation",
                                                 {"out of memory", std::to_string(huge * 4), "reserved", "peak"}));
  Tensor ok = zeros({10}, Options{DType::f32, Device::cuda(0)});  // the device still works
  EXPECT_TRUE(allclose(to_cpu(ok), zeros({10})));
}

// The retry path of an out-of-memory cudaMalloc, by injected failures (a
// real device is hard to fill reproducibly): one failure is absorbed by
// giving the cache back to the driver and retrying; two give the clear
// error, and the device works afterwards.
TEST(CudaAllocator, OutOfMemoryEmptiesTheCacheRetriesOnceThenThrows) {
  NABLA_REQUIRE_CUDA();
  struct Reset {
    ~Reset() { kernels::cuda::inject_malloc_failures(0); }
  } reset;
  const Options f32{DType::f32, Device::cuda(0)};
  cuda_empty_cache();
  { Tensor cached = empty({1 << 18}, f32); }  // 1 MiB, freed into the cache
  const CudaMemoryStats s0 = cuda_memory_stats();
  ASSERT_GE(s0.reserved - s0.allocated, size_t(1) << 20) << "the freed block should be cached";
  kernels::cuda::inject_malloc_failures(1);
  {
    Tensor big = full({3 << 18}, 2.0, f32);  // 3 MiB: the cached block is too small for it
    const CudaMemoryStats s1 = cuda_memory_stats();
    EXPECT_EQ(s1.reserved, s1.allocated) << "the cache was not emptied before the retry";
    EXPECT_EQ(s1.cudamalloc_calls, s0.cudamalloc_calls + 1);
    EXPECT_TRUE(allclose(to_cpu(big), full({3 << 18}, 2.0)));
  }
  kernels::cuda::inject_malloc_failures(2);
  EXPECT_TRUE(throws_message<std::runtime_error>([&] { empty({5 << 18}, f32); }, "two failed cudaMalloc calls",
                                                 {"out of memory", std::to_string(5 << 20), "cuda:0",
                                                  "the cache was emptied and the allocation retried"}));
  kernels::cuda::inject_malloc_failures(0);
  Tensor ok = full({10}, 1.0, f32);
  EXPECT_TRUE(allclose(to_cpu(ok), full({10}, 1.0)));
}

TEST(CudaCopy, RoundTripsEveryDtypeAndLayout) {
  NABLA_REQUIRE_CUDA();
  for (DType t : {DType::f32, DType::f64, DType::i64, DType::u8, DType::b8}) {
    const Tensor x = prim::to(sample({6, 5}, DType::f64, 1, 0, 3), t);
    EXPECT_TRUE(bitwise_equal(to_cpu(to_cuda(x)), x)) << name(t);
    EXPECT_TRUE(bitwise_equal(to_cpu(to_cuda(noncontiguous(x))), x)) << name(t);  // CPU side strided
    const Tensor strided = prim::transpose(to_cuda(x), 0, 1);  // CUDA side strided
    EXPECT_TRUE(bitwise_equal(to_cpu(strided), prim::contiguous(prim::transpose(x, 0, 1)))) << name(t);
  }
}

TEST(CudaCopy, CastCloneFillOnDevice) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = sample({4, 9}, DType::f64, 2, -5, 5);
  const Tensor g = to_cuda(x);
  EXPECT_TRUE(bitwise_equal(to_cpu(prim::to(g, DType::f32)), prim::to(x, DType::f32)));
  EXPECT_TRUE(bitwise_equal(to_cpu(prim::to(g, DType::i64)), prim::to(x, DType::i64)));
  EXPECT_TRUE(bitwise_equal(to_cpu(prim::clone(prim::transpose(g, 0, 1))), prim::clone(prim::transpose(x, 0, 1))));
  Tensor f = to_cuda(zeros({3, 4}));
  prim::fill_(prim::slice(f, 1, 0, 4, 2), 2.5);  // strided fill
  Tensor expect = zeros({3, 4});
  prim::fill_(prim::slice(expect, 1, 0, 4, 2), 2.5);
  EXPECT_TRUE(bitwise_equal(to_cpu(f), expect));
  Tensor c = to_cuda(zeros({2, 3}));
  prim::copy_(c, to_cuda(tensor(std::vector<double>{1, 2, 3}, {3}, DType::f32)));  // broadcast + cast
  EXPECT_TRUE(allclose(to_cpu(c), tensor(std::vector<double>{1, 2, 3, 1, 2, 3}, {2, 3}, DType::f32)));
}

}  // namespace
}  // namespace nabla::testing
