// CUDA reductions against the CPU's. Sums differ from the CPU's serial
// order by rounding: rtol 1e-5 / 1e-12 scaled by 10 (float sums accumulate in
// double on both devices). max, min, argmax, argmin must match exactly.
#include <gtest/gtest.h>

#include "core/elementwise.h"
#include "core/reduce.h"
#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

struct Case {
  Shape shape;
  Dims dims;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> c{{{1}, {}},        {{17}, {0}},        {{5, 7}, {1}},     {{5, 7}, {0}},
                                   {{3, 4, 5}, {0, 2}}, {{3, 4, 5}, {}}, {{2, 0, 3}, {0}},  {{100003}, {}},
                                   {{64, 1000}, {1}}, {{1000, 3}, {0}}};
  return c;
}

TEST(CudaReduce, EveryOpMatchesTheCpu) {
  NABLA_REQUIRE_CUDA();
  const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&, const Dims&)>>> ops{
      {"sum", [](const Tensor& x, const Dims& d) { return prim::sum(x, d, false); }},
      {"prod", [](const Tensor& x, const Dims& d) { return prim::prod(prim::unary(kernels::Unary::exp, x), d, false); }},
      {"logsumexp", [](const Tensor& x, const Dims& d) { return prim::logsumexp(x, d, false); }},
      {"norm2", [](const Tensor& x, const Dims& d) { return prim::norm(x, 2, d, false); }},
      {"norm1", [](const Tensor& x, const Dims& d) { return prim::norm(x, 1, d, false); }},
      {"norm3", [](const Tensor& x, const Dims& d) { return prim::norm(x, 3, d, false); }},
      {"norminf", [](const Tensor& x, const Dims& d) { return prim::norm(x, INFINITY, d, false); }},
      {"var", [](const Tensor& x, const Dims& d) { return prim::var(x, d, true, 1); }},
  };
  for (const auto& [op, f] : ops)
    for (DType t : float_types())
      for (const Case& c : cases()) {
        const Tensor x = sample(c.shape, t, 3);
        EXPECT_TRUE(matches(f(to_cuda(x), c.dims), f(x, c.dims), tol_for(t, 100)))
            << op << " " << describe(x) << " dims " << c.dims.size();
        if (c.shape.size() >= 2) {
          EXPECT_TRUE(matches(f(prim::transpose(to_cuda(x), 0, 1), c.dims), f(prim::transpose(x, 0, 1), c.dims),
                              tol_for(t, 100)))
              << op << " strided " << describe(x);
        }
      }
}

TEST(CudaReduce, ExtremaAndIndicesAreExact) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types())
    for (const Case& c : cases()) {
      if (numel(c.shape) == 0) continue;
      // Rounded values make ties: the first occurrence must win on both devices.
      const Tensor x = prim::to(prim::to(sample(c.shape, DType::f64, 4, -3, 3), DType::i64), t);
      const Tensor g = to_cuda(x);
      EXPECT_TRUE(bitwise_equal(to_cpu(prim::max(g, c.dims)), prim::max(x, c.dims))) << describe(x);
      EXPECT_TRUE(bitwise_equal(to_cpu(prim::min(g, c.dims)), prim::min(x, c.dims))) << describe(x);
      EXPECT_TRUE(bitwise_equal(to_cpu(prim::argmax(g, c.dims)), prim::argmax(x, c.dims))) << describe(x);
      EXPECT_TRUE(bitwise_equal(to_cpu(prim::argmin(g, c.dims)), prim::argmin(x, c.dims))) << describe(x);
    }
}

TEST(CudaReduce, NaNAndInfinities) {
  NABLA_REQUIRE_CUDA();
  const Tensor x = tensor(std::vector<double>{1, NAN, 3, NAN, -INFINITY, -INFINITY, INFINITY, 2, 0}, {3, 3});
  for (int d : {0, 1}) {
    const Tensor g = to_cuda(x);
    EXPECT_TRUE(bitwise_equal(to_cpu(prim::max(g, {d})), prim::max(x, {d})));
    EXPECT_TRUE(bitwise_equal(to_cpu(prim::argmax(g, {d})), prim::argmax(x, {d})));
    EXPECT_TRUE(bitwise_equal(to_cpu(prim::argmin(g, {d})), prim::argmin(x, {d})));
    // NaN and infinite rows are exact; a finite row goes through exp and log (a few ulp)
    EXPECT_TRUE(matches(prim::logsumexp(g, {d}), prim::logsumexp(x, {d}), tol_for(DType::f32, 1)));
  }
}

TEST(CudaReduce, DeterministicAcrossRuns) {
  NABLA_REQUIRE_CUDA();
  const Tensor g = to_cuda(sample({7, 300001}, DType::f32, 8));
  const Tensor first = to_cpu(prim::sum(g, {1}));
  for (int run = 0; run < 3; ++run) EXPECT_TRUE(bitwise_equal(to_cpu(prim::sum(g, {1})), first));
}

}  // namespace
}  // namespace nabla::testing
