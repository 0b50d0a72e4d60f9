#pragma once
// Helpers shared by the test programs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "autograd/nabla.h"
#include "core/copy.h"
#include "core/random.h"
#include "core/views.h"
#include "kernels/view.h"

namespace nabla::testing {

// Same dtype, shape and bytes (NaNs with the same bits count as equal).
inline ::testing::AssertionResult bitwise_equal(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape())
    return ::testing::AssertionFailure() << describe(a) << " vs " << describe(b);
  const Tensor ca = contiguous(a), cb = contiguous(b);
  const size_t bytes = static_cast<size_t>(ca.numel()) * itemsize(ca.dtype());
  if (std::memcmp(ca.data_ptr(), cb.data_ptr(), bytes) != 0)
    return ::testing::AssertionFailure() << "the bytes of " << describe(a) << " differ";
  return ::testing::AssertionSuccess();
}

// Max |a - b| <= atol + rtol |b| elementwise, with the first mismatch in the message.
inline ::testing::AssertionResult allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5,
                                           double atol = 1e-6) {
  if (a.shape() != b.shape())
    return ::testing::AssertionFailure() << "shapes differ: " << describe(a) << " vs " << describe(b);
  const auto x = to_vector<double>(a), y = to_vector<double>(b);
  for (size_t i = 0; i < x.size(); ++i) {
    const bool same = x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i]));  // infinities too
    if (!same && !(std::abs(x[i] - y[i]) <= atol + rtol * std::abs(y[i])))
      return ::testing::AssertionFailure() << "element " << i << ": " << x[i] << " vs " << y[i];
  }
  return ::testing::AssertionSuccess();
}

// The same values as x, laid out transposed in memory (a non-contiguous view).
inline Tensor noncontiguous(const Tensor& x) {
  if (x.dim() < 2) {  // every other element of a twice-as-long buffer
    Shape big = x.shape();
    if (big.empty()) return x;
    big[0] *= 2;
    Tensor buf = zeros(big, Options::like(x));
    Tensor v = prim::slice(buf, 0, 0, big[0], 2);
    prim::copy_(v, x);
    return v;
  }
  Tensor tr = prim::contiguous(prim::transpose(x, -1, -2));
  return prim::transpose(tr, -1, -2);
}

// A kernel view of a raw buffer: sizes and strides in elements, one per dim.
template <class T>
kernels::View<T> make_view(T* data, const std::vector<int64_t>& sizes, const std::vector<int64_t>& strides) {
  kernels::View<T> v;
  v.data = data;
  v.ndim = static_cast<int>(sizes.size());
  for (int d = 0; d < v.ndim; ++d) v.size[d] = sizes[d], v.stride[d] = strides[d];
  return v;
}

// A rows x cols matrix view with row stride rs and column stride cs.
template <class T>
kernels::View<T> make_view2(T* data, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  return make_view(data, {rows, cols}, {rs, cs});
}

struct RandomOptions {
  bool requires_grad = true;
  bool uniform = false;  // U[low, high) instead of N(0, 1)
  double low = 0, high = 1;
};

// Seeded float64 values from a fresh Generator(seed): the same on every run.
inline Tensor random(const Shape& shape, uint64_t seed, RandomOptions o = {}) {
  Generator gen(seed);
  Tensor t = o.uniform ? uniform(shape, o.low, o.high, DType::f64, &gen) : randn(shape, DType::f64, &gen);
  if (o.requires_grad) t.requires_grad_();
  return t;
}

// Whether f throws E (and nothing else) with every one of `parts` in its message.
template <class E, class F>
::testing::AssertionResult throws_message(F&& f, const char* what, std::initializer_list<std::string_view> parts) {
  try {
    f();
  } catch (const E& e) {
    const std::string m = e.what();
    for (std::string_view p : parts)
      if (m.find(p) == std::string::npos)
        return ::testing::AssertionFailure() << what << ": \"" << p << "\" not in the message: " << m;
    return ::testing::AssertionSuccess();
  } catch (...) {
    return ::testing::AssertionFailure() << what << ": threw an exception of another type";
  }
  return ::testing::AssertionFailure() << what << ": threw nothing";
}

}  // namespace nabla::testing

// EXPECT_GRADCHECK(result): prints the first mismatch on failure.
#define EXPECT_GRADCHECK(expr)              \
  do {                                      \
    auto _r = (expr);                       \
    EXPECT_TRUE(_r.ok) << _r.message;       \
  } while (0)

// EXPECT_THROW_MESSAGE(stmt, type, "part", ...): stmt throws `type` whose
// message contains every part.
#define EXPECT_THROW_MESSAGE(stmt, type, ...)                                         \
  EXPECT_TRUE(::nabla::testing::throws_message<type>([&] { stmt; }, #stmt " throws " #type, \
                                                     {__VA_ARGS__}))
