// Every reduction against the naive reference of reduce_naive.h on random
// shapes: size-1 dims, odd sizes, several non-adjacent dims, keepdim on and
// off, contiguous and non-contiguous inputs, f32 and f64.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "core/reduce.h"
#include "tests/core/reduce_naive.h"

namespace nabla {
namespace {

using testing::allclose;
using testing::naive_reduce;
using testing::Values;

struct Case {
  Shape shape;
  Dims dims;
};

const Case kCases[] = {
    {{5}, {}},          {{5}, {0}},           {{3, 1, 4}, {1}},     {{3, 1, 4}, {}},
    {{2, 3, 4, 5}, {0, 2}}, {{2, 3, 4, 5}, {1, 3}}, {{2, 3, 4, 5}, {-1}}, {{7, 3, 1, 5}, {0, 3}},
    {{1, 7, 1, 3}, {1}}, {{4, 6, 3}, {0, 1, 2}}, {{4, 6, 3}, {2, 0}},  {{3, 5, 2, 3, 2}, {0, 2, 4}},
};

double naive_sum(const Values& v) {
  double s = 0;
  for (double e : v) s += e;
  return s;
}
double naive_var(const Values& v, double c) {
  const double m = naive_sum(v) / v.size();
  double s = 0;
  for (double e : v) s += (e - m) * (e - m);
  return s / (v.size() - c);
}
double naive_pnorm(const Values& v, double p) {
  double s = 0;
  for (double e : v) s += std::pow(std::abs(e), p);
  return std::pow(s, 1 / p);
}
double naive_arg(const Values& v, bool max) {
  size_t best = 0;
  for (size_t i = 1; i < v.size(); ++i)
    if (max ? v[i] > v[best] : v[i] < v[best]) best = i;
  return static_cast<double>(best);
}

struct Op {
  std::string name;
  std::function<Tensor(const Tensor&, const Dims&, bool)> run;
  std::function<double(const Values&)> naive;
};

std::vector<Op> ops() {
  return {
      {"sum", [](auto& x, auto& d, bool k) { return prim::sum(x, d, k); }, naive_sum},
      {"prod", [](auto& x, auto& d, bool k) { return prim::prod(x, d, k); },
       [](const Values& v) { double p = 1; for (double e : v) p *= e; return p; }},
      {"max", [](auto& x, auto& d, bool k) { return prim::max(x, d, k); },
       [](const Values& v) { return *std::max_element(v.begin(), v.end()); }},
      {"min", [](auto& x, auto& d, bool k) { return prim::min(x, d, k); },
       [](const Values& v) { return *std::min_element(v.begin(), v.end()); }},
      {"argmax", [](auto& x, auto& d, bool k) { return prim::argmax(x, d, k); },
       [](const Values& v) { return naive_arg(v, true); }},
      {"argmin", [](auto& x, auto& d, bool k) { return prim::argmin(x, d, k); },
       [](const Values& v) { return naive_arg(v, false); }},
      {"logsumexp", [](auto& x, auto& d, bool k) { return prim::logsumexp(x, d, k); },
       [](const Values& v) { double s = 0; for (double e : v) s += std::exp(e); return std::log(s); }},
      {"var", [](auto& x, auto& d, bool k) { return prim::var(x, d, k); },
       [](const Values& v) { return naive_var(v, 1); }},
      {"var0", [](auto& x, auto& d, bool k) { return prim::var(x, d, k, 0); },
       [](const Values& v) { return naive_var(v, 0); }},
      {"std", [](auto& x, auto& d, bool k) { return prim::std(x, d, k); },
       [](const Values& v) { return std::sqrt(naive_var(v, 1)); }},
      {"norm2", [](auto& x, auto& d, bool k) { return prim::norm(x, 2, d, k); },
       [](const Values& v) { return naive_pnorm(v, 2); }},
      {"norm1", [](auto& x, auto& d, bool k) { return prim::norm(x, 1, d, k); },
       [](const Values& v) { return naive_pnorm(v, 1); }},
      {"norm2.5", [](auto& x, auto& d, bool k) { return prim::norm(x, 2.5, d, k); },
       [](const Values& v) { return naive_pnorm(v, 2.5); }},
      {"norm_inf", [](auto& x, auto& d, bool k) { return prim::norm(x, INFINITY, d, k); },
       [](const Values& v) { double m = 0; for (double e : v) m = std::max(m, std::abs(e)); return m; }},
  };
}

// The input in three layouts: contiguous, transposed in memory, every other element.
std::vector<Tensor> layouts(const Tensor& x) {
  Shape big = x.shape();
  big.back() *= 2;
  Tensor strided = prim::slice(zeros(big, Options::like(x)), -1, 0, big.back(), 2);
  prim::copy_(strided, x);
  return {x, testing::noncontiguous(x), strided};
}

void check_all(DType dtype, double rtol) {
  manual_seed(11);
  for (const Case& c : kCases) {
    // Values in [0.5, 1.5): products stay tame, and no ties for argmax.
    const Tensor x = uniform(c.shape, 0.5, 1.5, dtype);
    for (const Tensor& in : layouts(x))
      for (bool keepdim : {false, true})
        for (const Op& op : ops()) {
          const Tensor got = op.run(in, c.dims, keepdim);
          const Tensor want = naive_reduce(x, c.dims, keepdim, op.naive);
          EXPECT_TRUE(allclose(prim::to(got, DType::f64), want, rtol, rtol))
              << op.name << " of " << describe(in) << " dims " << str(c.dims) << " keepdim " << keepdim;
        }
  }
}

TEST(ReduceNaive, Float64) { check_all(DType::f64, 1e-12); }
TEST(ReduceNaive, Float32) { check_all(DType::f32, 2e-6); }

TEST(ReduceNaive, Int64) {
  const Tensor x = randint(-5, 6, {3, 4, 5});
  for (const Tensor& in : layouts(x))
    for (const Dims& dims : {Dims{}, Dims{1}, Dims{0, 2}})
      for (const Op& op : ops()) {
        if (op.name != "sum" && op.name != "max" && op.name != "min" && op.name != "argmax" &&
            op.name != "argmin")
          continue;
        const Tensor got = op.run(in, dims, false);
        EXPECT_EQ(got.dtype(), DType::i64);
        EXPECT_TRUE(allclose(prim::to(got, DType::f64), naive_reduce(x, dims, false, op.naive)))
            << op.name << " dims " << str(dims);
      }
}

}  // namespace
}  // namespace nabla

namespace nabla {
namespace {

// Shapes that take the kernel's other two paths: tiles of neighbouring outputs
// (reducing leading dims, with full and partial tiles) and ranges split in
// chunks (few outputs, many elements, chunk boundaries inside a row).
TEST(ReduceNaive, TiledAndChunkedPaths) {
  manual_seed(21);
  const Case cases[] = {{{33, 37}, {0}}, {{5, 7, 40}, {0, 1}}, {{6, 17, 3}, {0, 2}},
                        {{2, 300, 250}, {1, 2}}, {{70001}, {}}};
  for (const Case& c : cases) {
    Tensor x = uniform(c.shape, 0.5, 1.5, DType::f64);
    // A tie for the max, and the max itself, right at a chunk boundary.
    const int64_t n = x.numel();
    double* p = x.data<double>();
    p[n / 3] = 2.0;
    p[std::min<int64_t>(2 * 32768, n - 1)] = 2.0;
    for (const Op& op : ops()) {
      if (op.name == "prod") continue;  // products of ~1e5 values under/overflow
      const Tensor want = naive_reduce(x, c.dims, false, op.naive);
      for (const Tensor& in : layouts(x)) {
        const Tensor got = op.run(in, c.dims, false);
        EXPECT_TRUE(allclose(prim::to(got, DType::f64), want, 1e-10, 1e-10))
            << op.name << " of " << describe(in) << " dims " << str(c.dims);
      }
    }
  }
}

TEST(ReduceNaive, NaNInsideALargeRange) {
  Tensor x = zeros({2, 100000}, DType::f64);
  x.data<double>()[70000] = std::nan("");
  x.data<double>()[80000] = std::nan("");
  x.data<double>()[100000 + 5] = 3;
  EXPECT_TRUE(allclose(prim::argmax(x, {1}), tensor<int64_t>({70000, 5})));
  EXPECT_TRUE(allclose(prim::argmin(x, {1}), tensor<int64_t>({70000, 0})));
  EXPECT_TRUE(allclose(prim::max(x, {1}), tensor<double>({std::nan(""), 3})));
  EXPECT_TRUE(allclose(prim::norm(x, INFINITY, {1}), tensor<double>({std::nan(""), 3})));
  EXPECT_TRUE(std::isnan(prim::sum(x).item()));
}

}  // namespace
}  // namespace nabla
