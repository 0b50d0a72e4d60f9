// CUDA elementwise kernels against the CPU's: every unary, binary and
// comparison op, f32 and f64, edge sizes, broadcasting and strided inputs.
// Tolerance: rtol 1e-5 (f32) / 1e-12 (f64), times 10 for the transcendental
// ops, whose device libm may differ from glibc by a few ulp. Exactly rounded
// ops (neg, add, mul, maximum, comparisons) are compared bitwise.
#include <gtest/gtest.h>

#include "core/elementwise.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

using kernels::Binary;
using kernels::Compare;
using kernels::Unary;

struct UnaryCase {
  Unary op;
  kernels::UnaryArgs args;
  double low, high;  // the input domain
};

const std::vector<UnaryCase>& unary_cases() {
  static const std::vector<UnaryCase> cases{
      {Unary::neg, {}, -3, 3},       {Unary::exp, {}, -5, 5},          {Unary::log, {}, 0.01, 9},
      {Unary::log1p, {}, -0.9, 9},   {Unary::expm1, {}, -3, 3},        {Unary::sqrt, {}, 0, 9},
      {Unary::rsqrt, {}, 0.1, 9},    {Unary::abs, {}, -3, 3},          {Unary::sign, {}, -3, 3},
      {Unary::sin, {}, -6, 6},       {Unary::cos, {}, -6, 6},          {Unary::tanh, {}, -4, 4},
      {Unary::sigmoid, {}, -30, 30}, {Unary::relu, {}, -3, 3},         {Unary::leaky_relu, {0.1, 0}, -3, 3},
      {Unary::elu, {1.5, 0}, -3, 3}, {Unary::softplus, {2, 5}, -6, 6}, {Unary::square, {}, -3, 3},
      {Unary::pow_scalar, {2.5, 0}, 0, 4}, {Unary::clamp, {-0.5, 0.7}, -2, 2}, {Unary::reciprocal, {}, 0.5, 4},
  };
  return cases;
}

TEST(CudaElementwise, EveryUnaryOpMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (const UnaryCase& c : unary_cases())
    for (DType t : float_types())
      for (const Shape& shape : test_shapes()) {
        const Tensor x = sample(shape, t, 1, c.low, c.high);
        const Tensor want = prim::unary(c.op, x, c.args);
        EXPECT_TRUE(matches(prim::unary(c.op, to_cuda(x), c.args), want, tol_for(t, 10)))
            << kernels::name(c.op) << " " << describe(x);
        if (shape.size() >= 2) {
          const Tensor strided = prim::transpose(to_cuda(x), 0, 1);
          EXPECT_TRUE(matches(prim::unary(c.op, strided, c.args), prim::unary(c.op, prim::transpose(x, 0, 1), c.args),
                              tol_for(t, 10)))
              << kernels::name(c.op) << " strided " << describe(x);
        }
      }
}

TEST(CudaElementwise, EveryBinaryOpBroadcastsLikeTheCpu) {
  NABLA_REQUIRE_CUDA();
  const std::vector<std::pair<Shape, Shape>> pairs{
      {{0}, {0}}, {{1}, {1}}, {{17}, {17}}, {{4, 5}, {5}}, {{3, 1, 5}, {4, 1}}, {{}, {6, 7}}, {{1000, 33}, {1000, 1}}};
  for (Binary op : {Binary::add, Binary::sub, Binary::mul, Binary::div, Binary::pow, Binary::maximum,
                    Binary::minimum})
    for (DType t : float_types())
      for (const auto& [sa, sb] : pairs) {
        const bool positive = op == Binary::pow || op == Binary::div;
        const Tensor a = sample(sa, t, 2, positive ? 0.5 : -2, 2), b = sample(sb, t, 3, positive ? 0.5 : -2, 2);
        EXPECT_TRUE(matches(prim::binary(op, to_cuda(a), to_cuda(b)), prim::binary(op, a, b), tol_for(t, 10)))
            << kernels::name(op) << " " << describe(a) << " " << describe(b);
        if (sa.size() == 2 && sb.size() == 2) {
          const Tensor at = prim::transpose(a, 0, 1), bt = prim::transpose(b, 0, 1);
          EXPECT_TRUE(matches(prim::binary(op, prim::transpose(to_cuda(a), 0, 1), prim::transpose(to_cuda(b), 0, 1)),
                              prim::binary(op, at, bt), tol_for(t, 10)))
              << kernels::name(op) << " strided";
        }
      }
}

TEST(CudaElementwise, MaximumPropagatesNaN) {
  NABLA_REQUIRE_CUDA();
  const Tensor a = tensor(std::vector<double>{NAN, 1, 2}, {3}), b = tensor(std::vector<double>{0, NAN, 3}, {3});
  for (Binary op : {Binary::maximum, Binary::minimum})
    EXPECT_TRUE(bitwise_equal(to_cpu(prim::binary(op, to_cuda(a), to_cuda(b))), prim::binary(op, a, b)));
}

TEST(CudaElementwise, InPlaceBinary) {
  NABLA_REQUIRE_CUDA();
  const Tensor a = sample({6, 4}, DType::f32, 4), b = sample({4}, DType::f32, 5);
  Tensor ga = to_cuda(a), ca = prim::clone(a);
  prim::binary_(Binary::mul, ga, to_cuda(b));
  prim::binary_(Binary::mul, ca, b);
  EXPECT_TRUE(bitwise_equal(to_cpu(ga), ca));
}

TEST(CudaElementwise, ComparisonsAndWhere) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    Tensor a = sample({5, 6}, t, 6), b = sample({6}, t, 7);
    b = prim::where(prim::compare(Compare::gt, b, scalar(0.5, t)), b, prim::view(prim::slice(a, 0, 0, 1), {6}));
    for (Compare op : {Compare::eq, Compare::ne, Compare::lt, Compare::le, Compare::gt, Compare::ge})
      EXPECT_TRUE(bitwise_equal(to_cpu(prim::compare(op, to_cuda(a), to_cuda(b))), prim::compare(op, a, b)))
          << kernels::name(op);
    const Tensor cond = prim::compare(Compare::lt, a, b);
    EXPECT_TRUE(bitwise_equal(to_cpu(prim::where(to_cuda(cond), to_cuda(a), to_cuda(b))), prim::where(cond, a, b)));
  }
}

// Contiguous operands take packed loads (16 bytes of the widest operand) when
// their pointers are aligned, element loads for the n % K tail and for
// misaligned views. Views starting 0 to 3 elements into a buffer, lengths
// around multiples of every pack width (2, 4, 16 elements), mixed alignments
// of the two operands, in place, and every dtype width: bitwise the CPU's.
TEST(CudaElementwise, PackedAndMisalignedPathsMatchTheCpuBitwise) {
  NABLA_REQUIRE_CUDA();
  for (DType t : {DType::f32, DType::f64, DType::i64, DType::u8})
    for (int64_t n : {1, 3, 4, 5, 15, 16, 17, 33, 1027})
      for (int64_t oa : {0, 1, 2, 3})
        for (int64_t ob : {int64_t(0), oa, int64_t(1)}) {
          const double low = t == DType::u8 ? 0 : -50;  // a negative double cast to u8 is undefined
          const Tensor ba = prim::to(sample({n + 3}, DType::f64, 1, low, 50), t);
          const Tensor bb = prim::to(sample({n + 3}, DType::f64, 2, low, 50), t);
          const Tensor a = prim::slice(ba, 0, oa, oa + n), b = prim::slice(bb, 0, ob, ob + n);
          const Tensor ga = prim::slice(to_cuda(ba), 0, oa, oa + n), gb = prim::slice(to_cuda(bb), 0, ob, ob + n);
          const std::string what = std::string(name(t)) + " n " + std::to_string(n) + " offsets " +
                                   std::to_string(oa) + ", " + std::to_string(ob);
          EXPECT_TRUE(bitwise_equal(to_cpu(prim::unary(Unary::neg, ga)), prim::unary(Unary::neg, a))) << what;
          for (Binary op : {Binary::add, Binary::mul, Binary::maximum})
            EXPECT_TRUE(bitwise_equal(to_cpu(prim::binary(op, ga, gb)), prim::binary(op, a, b)))
                << kernels::name(op) << " " << what;
          EXPECT_TRUE(bitwise_equal(to_cpu(prim::compare(Compare::lt, ga, gb)), prim::compare(Compare::lt, a, b)))
              << "lt " << what;
          Tensor ca = prim::clone(ba), cg = to_cuda(ba);  // in place into a (maybe misaligned) view
          prim::binary_(Binary::sub, prim::slice(ca, 0, oa, oa + n), b);
          prim::binary_(Binary::sub, prim::slice(cg, 0, oa, oa + n), gb);
          EXPECT_TRUE(bitwise_equal(to_cpu(cg), ca)) << "sub_ " << what;
        }
}

}  // namespace
}  // namespace nabla::testing
