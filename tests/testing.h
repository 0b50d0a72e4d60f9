#pragma once
// Helpers shared by the test programs.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "autograd/nabla.h"
#include "core/copy.h"
#include "core/views.h"

namespace nabla::testing {

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

}  // namespace nabla::testing

// EXPECT_GRADCHECK(result): prints the first mismatch on failure.
#define EXPECT_GRADCHECK(expr)              \
  do {                                      \
    auto _r = (expr);                       \
    EXPECT_TRUE(_r.ok) << _r.message;       \
  } while (0)
