// Integer dtypes on CUDA against the CPU, bit for bit (integer arithmetic
// has no rounding; overflow wraps on both): the elementwise integer subset
// (i64, u8), compare and where (bool too), sum/prod/max/min/argmax/argmin
// and cumsum (i64), gather/scatter_add/index_select/index_add/flip/one_hot
// and casts between every pair of dtypes; contiguous and strided inputs.
#include <gtest/gtest.h>

#include "core/elementwise.h"
#include "core/index.h"
#include "core/linalg.h"
#include "core/reduce.h"
#include "core/scan.h"
#include "core/softmax.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

using kernels::Binary;
using kernels::Compare;
using kernels::Unary;

// Seeded integers in [low, high) of dtype t on the CPU.
Tensor ints(const Shape& shape, int64_t low, int64_t high, DType t, uint64_t seed) {
  Generator gen(seed);
  return prim::to(randint(low, high, shape, DType::i64, &gen), t);
}

// The CUDA result (moved back) has the CPU's dtype, shape and bytes.
::testing::AssertionResult same(const Tensor& cuda, const Tensor& cpu) {
  if (!cuda.device().is_cuda()) return ::testing::AssertionFailure() << "result not on CUDA: " << describe(cuda);
  return bitwise_equal(to_cpu(cuda), cpu);
}

// x on CUDA, contiguous or strided (a view into a larger buffer).
Tensor on_cuda(const Tensor& x, bool strided) { return strided ? noncontiguous(to_cuda(x)) : to_cuda(x); }

const std::vector<DType> kIntTypes{DType::i64, DType::u8};

TEST(CudaInteger, ElementwiseMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : kIntTypes)
    for (bool strided : {false, true}) {
      const int64_t low = t == DType::u8 ? 0 : -100;  // u8 wraps through neg and square
      const Tensor a = ints({5, 7}, low, 200, t, 1), b = ints({7}, low, 200, t, 2);
      for (Unary op : {Unary::neg, Unary::abs, Unary::sign, Unary::square, Unary::relu, Unary::clamp}) {
        const kernels::UnaryArgs args{-10, 50};
        EXPECT_TRUE(same(prim::unary(op, on_cuda(a, strided), args), prim::unary(op, a, args)))
            << kernels::name(op) << " " << name(t);
      }
      for (Binary op : {Binary::add, Binary::sub, Binary::mul, Binary::maximum, Binary::minimum})
        EXPECT_TRUE(same(prim::binary(op, on_cuda(a, strided), to_cuda(b)), prim::binary(op, a, b)))
            << kernels::name(op) << " " << name(t) << " (broadcast)";
      for (Compare op : {Compare::eq, Compare::ne, Compare::lt, Compare::le, Compare::gt, Compare::ge})
        EXPECT_TRUE(same(prim::compare(op, on_cuda(a, strided), to_cuda(b)), prim::compare(op, a, b)))
            << kernels::name(op) << " " << name(t);
      const Tensor cond = prim::compare(Compare::lt, a, prim::binary(Binary::add, a, a));
      EXPECT_TRUE(same(prim::where(to_cuda(cond), on_cuda(a, strided), to_cuda(b)), prim::where(cond, a, b)));
      Tensor acc = prim::clone(to_cuda(a));
      prim::binary_(Binary::add, acc, to_cuda(b));
      EXPECT_TRUE(same(acc, prim::binary(Binary::add, a, b))) << "add_ " << name(t);
    }
  // bool: compare and where
  const Tensor p = prim::to(ints({4, 6}, 0, 2, DType::i64, 3), DType::b8), q = prim::to(ints({6}, 0, 2, DType::i64, 4), DType::b8);
  EXPECT_TRUE(same(prim::compare(Compare::ne, to_cuda(p), to_cuda(q)), prim::compare(Compare::ne, p, q)));
  EXPECT_TRUE(same(prim::where(to_cuda(p), to_cuda(p), to_cuda(q)), prim::where(p, p, q)));
}

TEST(CudaInteger, OverflowWrapsLikeTheCpu) {
  NABLA_REQUIRE_CUDA();
  const Tensor big = tensor(std::vector<int64_t>{INT64_MAX, INT64_MIN, INT64_MAX / 2 + 7, -3}, {4});
  EXPECT_TRUE(same(prim::binary(Binary::add, to_cuda(big), to_cuda(big)), prim::binary(Binary::add, big, big)));
  EXPECT_TRUE(same(prim::unary(Unary::square, to_cuda(big)), prim::unary(Unary::square, big)));
  EXPECT_TRUE(same(prim::sum(to_cuda(big)), prim::sum(big)));
  EXPECT_TRUE(same(prim::prod(to_cuda(big)), prim::prod(big)));
  const Tensor bytes = prim::to(ints({300}, 0, 256, DType::i64, 5), DType::u8);
  EXPECT_TRUE(same(prim::binary(Binary::mul, to_cuda(bytes), to_cuda(bytes)), prim::binary(Binary::mul, bytes, bytes)));
}

TEST(CudaInteger, FloatOnlyOpsThrowAsOnTheCpu) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = to_cuda(ints({3}, 1, 5, DType::i64, 6));
  EXPECT_TRUE(throws_message<std::invalid_argument>([&] { prim::binary(Binary::div, x, x); }, "div i64",
                                                    {"div", "i64"}));
  EXPECT_TRUE(throws_message<std::invalid_argument>([&] { prim::unary(Unary::exp, x); }, "exp i64", {"exp", "i64"}));
  EXPECT_TRUE(throws_message<std::invalid_argument>([&] { prim::logsumexp(x); }, "logsumexp i64",
                                                    {"logsumexp", "i64"}));
}

// The float-only families keep a clear error for integer CUDA tensors.
TEST(CudaInteger, FloatOnlyFamiliesSayTheyHaveNoKernel) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = to_cuda(ints({2, 3}, 0, 5, DType::i64, 14));
  EXPECT_TRUE(throws_message<std::runtime_error>([&] { prim::softmax(x, 1); }, "softmax i64",
                                                 {"softmax", "has no CUDA kernel", "i64"}));
  EXPECT_TRUE(throws_message<std::runtime_error>([&] { prim::matmul(x, prim::transpose(x, 0, 1)); }, "matmul i64",
                                                 {"matmul", "has no CUDA kernel", "i64"}));
}

TEST(CudaInteger, ReductionsAndCumsumMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (bool strided : {false, true})
    for (const Dims& dims : {Dims{}, Dims{0}, Dims{1}, Dims{0, 2}}) {
      // Few distinct values: ties, where the first occurrence must win on both devices.
      const Tensor x = ints({6, 300, 3}, -4, 5, DType::i64, 7);
      const Tensor g = on_cuda(x, strided);
      EXPECT_TRUE(same(prim::sum(g, dims), prim::sum(x, dims))) << "sum";
      EXPECT_TRUE(same(prim::max(g, dims), prim::max(x, dims))) << "max";
      EXPECT_TRUE(same(prim::min(g, dims), prim::min(x, dims))) << "min";
      EXPECT_TRUE(same(prim::argmax(g, dims), prim::argmax(x, dims))) << "argmax";
      EXPECT_TRUE(same(prim::argmin(g, dims), prim::argmin(x, dims))) << "argmin";
      const Tensor small = ints({4, 9}, -3, 4, DType::i64, 8);
      EXPECT_TRUE(same(prim::prod(on_cuda(small, strided), {1}), prim::prod(small, {1}))) << "prod";
    }
  const Tensor x = ints({5, 1000}, -50, 50, DType::i64, 9);
  for (bool reverse : {false, true})
    for (int64_t d : {0, 1})
      EXPECT_TRUE(same(prim::cumsum(to_cuda(x), d, reverse), prim::cumsum(x, d, reverse))) << "cumsum " << d;
}

TEST(CudaInteger, IndexingMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  Generator gen(10);
  const Tensor idx = randint(0, 5, {7, 4}, DType::i64, &gen), rows = randint(0, 5, {9}, DType::i64, &gen);
  for (DType t : {DType::i64, DType::u8, DType::b8})
    for (bool strided : {false, true}) {
      const Tensor x = prim::to(ints({5, 4}, 0, 2, DType::i64, 11), t);
      const Tensor g = on_cuda(x, strided);
      EXPECT_TRUE(same(prim::gather(g, 0, to_cuda(idx)), prim::gather(x, 0, idx))) << "gather " << name(t);
      EXPECT_TRUE(same(prim::index_select(g, 0, to_cuda(rows)), prim::index_select(x, 0, rows))) << name(t);
      EXPECT_TRUE(same(prim::flip(g, {0, 1}), prim::flip(x, {0, 1}))) << "flip " << name(t);
      EXPECT_TRUE(same(prim::one_hot(to_cuda(idx), 6, t), prim::one_hot(idx, 6, t))) << "one_hot " << name(t);
      if (t == DType::b8) continue;  // scatter_add and index_add take numbers
      const Tensor src = prim::to(ints({7, 4}, 0, 9, DType::i64, 12), t);
      EXPECT_TRUE(same(prim::scatter_add(g, 0, to_cuda(idx), to_cuda(src)), prim::scatter_add(x, 0, idx, src)))
          << "scatter_add " << name(t);
      const Tensor source = prim::to(ints({9, 4}, 0, 9, DType::i64, 13), t);
      EXPECT_TRUE(same(prim::index_add(g, 0, to_cuda(rows), to_cuda(source)), prim::index_add(x, 0, rows, source)))
          << "index_add " << name(t);
    }
}

TEST(CudaInteger, CastsBetweenEveryDtypeMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  const std::vector<DType> all{DType::f32, DType::f64, DType::i64, DType::u8, DType::b8};
  const Tensor base = tensor(std::vector<double>{-2.75, -1, 0, 0.5, 1, 3.25, 200, 255}, {8});
  const Tensor nonnegative = tensor(std::vector<double>{0, 0.5, 1, 3.25, 7, 128, 200, 255}, {8});
  for (DType from : all)
    for (DType to_type : all) {
      // A negative number converted to u8 is undefined in C++: u8 sees only [0, 256).
      const bool u8 = from == DType::u8 || to_type == DType::u8;
      const Tensor x = prim::to(u8 ? nonnegative : base, from);
      EXPECT_TRUE(same(prim::to(to_cuda(x), to_type), prim::to(x, to_type))) << name(from) << " -> " << name(to_type);
      EXPECT_TRUE(same(prim::to(noncontiguous(to_cuda(x)), to_type), prim::to(x, to_type)))
          << name(from) << " -> " << name(to_type) << " (strided)";
    }
}

}  // namespace
}  // namespace nabla::testing
