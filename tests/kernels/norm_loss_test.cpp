// The norm and loss kernels driven directly on raw buffers.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/loss.h"
#include "kernels/norm.h"
#include "tests/testing.h"

namespace nabla::kernels {
namespace {

using nabla::testing::make_view;

TEST(NormKernel, RowsOfARawBufferAreNormalised) {
  // Two rows of 4; normalise each row (layer norm without affine).
  std::vector<float> x = {1, 2, 3, 4, -1, -1, 3, 3}, out(8), mean(2), rstd(2), var(2);
  cpu::norm_forward<float>(make_view(out.data(), {2, 4}, {4, 1}), make_view(mean.data(), {2}, {1}),
                           make_view(rstd.data(), {2}, {1}), make_view(var.data(), {2}, {1}),
                           make_view<const float>(x.data(), {2, 4}, {4, 1}), {}, {}, 0.0);
  EXPECT_FLOAT_EQ(mean[0], 2.5f);
  EXPECT_FLOAT_EQ(var[0], 1.25f);
  EXPECT_FLOAT_EQ(mean[1], 1.0f);
  EXPECT_FLOAT_EQ(var[1], 4.0f);
  EXPECT_FLOAT_EQ(rstd[1], 0.5f);
  EXPECT_FLOAT_EQ(out[4], -1.0f);
  EXPECT_FLOAT_EQ(out[7], 1.0f);
}

TEST(NormKernel, ColumnsOfARawBufferViaStrides) {
  // The same buffer [2, 4] normalised per column (batch norm over dim 0):
  // the group dim is the column, with stride 1; the reduced dim has stride 4.
  std::vector<double> x = {1, 2, 3, 4, 3, 4, 1, 0}, out(8), mean(4), rstd(4);
  std::vector<double> w = {2}, b = {1};  // broadcast scalars via stride 0
  cpu::norm_forward<double>(make_view(out.data(), {4, 2}, {1, 4}), make_view(mean.data(), {4}, {1}),
                            make_view(rstd.data(), {4}, {1}), View<double>{},
                            make_view<const double>(x.data(), {4, 2}, {1, 4}),
                            make_view<const double>(w.data(), {4, 2}, {0, 0}),
                            make_view<const double>(b.data(), {4, 2}, {0, 0}), 0.0);
  EXPECT_DOUBLE_EQ(mean[0], 2.0);
  EXPECT_DOUBLE_EQ(out[0], -1.0);  // (1 - 2) / 1 * 2 + 1
  EXPECT_DOUBLE_EQ(out[4], 3.0);
  EXPECT_DOUBLE_EQ(mean[1], 3.0);
  EXPECT_DOUBLE_EQ(out[5], 3.0);  // (4 - 3) / 1 * 2 + 1
}

// Groups whose sums run side by side (blocks of 8, then 3 more) over a
// batch-norm layout [C, N, S] of an NCS buffer, and groups over two
// non-contiguous kept dims: each mean is bitwise the serial double sum in
// the walk's order, the rest near it.
TEST(NormKernel, GroupsSideBySideKeepEachGroupsSerialSum) {
  const int64_t N = 3, C = 11, S = 5;
  std::vector<float> x(N * C * S), out(x.size()), mean(C), rstd(C), var(C);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(std::sin(0.7 * i) * 10 + 0.1 * i);
  cpu::norm_forward<float>(make_view(out.data(), {C, N, S}, {S, C * S, 1}), make_view(mean.data(), {C}, {1}),
                           make_view(rstd.data(), {C}, {1}), make_view(var.data(), {C}, {1}),
                           make_view<const float>(x.data(), {C, N, S}, {S, C * S, 1}), {}, {}, 1e-5);
  for (int64_t c = 0; c < C; ++c) {
    double s = 0, ss = 0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < S; ++j) s += x[(n * C + c) * S + j];
    const double m = s / (N * S);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < S; ++j) ss += (x[(n * C + c) * S + j] - m) * (x[(n * C + c) * S + j] - m);
    EXPECT_EQ(mean[c], static_cast<float>(m)) << c;  // bitwise
    EXPECT_NEAR(var[c], ss / (N * S), 1e-5 * ss) << c;
    const float r = static_cast<float>(1 / std::sqrt(ss / (N * S) + 1e-5));
    EXPECT_NEAR(rstd[c], r, 1e-6 * r) << c;
    EXPECT_NEAR(out[(2 * C + c) * S + 4], (x[(2 * C + c) * S + 4] - mean[c]) * r, 1e-5) << c;
  }
  // With a weight and bias per channel (stride 0 along the reduced dims):
  // (x - mean) rstd, times w, plus b, each rounded.
  std::vector<float> w(C), b(C), y(x.size());
  for (int64_t c = 0; c < C; ++c) w[c] = 0.5f + 0.1f * c, b[c] = 0.3f - 0.07f * c;
  cpu::norm_forward<float>(make_view(y.data(), {C, N, S}, {S, C * S, 1}), make_view(mean.data(), {C}, {1}),
                           make_view(rstd.data(), {C}, {1}), View<float>{},
                           make_view<const float>(x.data(), {C, N, S}, {S, C * S, 1}),
                           make_view<const float>(w.data(), {C, N, S}, {1, 0, 0}),
                           make_view<const float>(b.data(), {C, N, S}, {1, 0, 0}), 1e-5);
  for (int64_t c = 0; c < C; ++c)
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < S; ++j) {
        const int64_t i = (n * C + c) * S + j;
        volatile float h = (x[i] - mean[c]) * rstd[c];
        volatile float hw = h * w[c];
        EXPECT_EQ(y[i], hw + b[c]) << c << " " << n << " " << j;  // bitwise
      }
  // Batch norm of [N, C] = [6, 19]: two blocks of 8 adjacent columns (vector
  // lanes) and 3 more, with weight and bias; the same values step by step.
  {
    const int64_t R = 6, F = 19;
    std::vector<float> a(R * F), z(R * F), mu(F), rs(F), wf(F), bf(F);
    for (int64_t i = 0; i < R * F; ++i) a[i] = static_cast<float>(std::sin(0.9 * i) * 4 + 0.05 * i);
    for (int64_t f = 0; f < F; ++f) wf[f] = 1.0f + 0.03f * f, bf[f] = -0.2f + 0.01f * f;
    cpu::norm_forward<float>(make_view(z.data(), {F, R}, {1, F}), make_view(mu.data(), {F}, {1}),
                             make_view(rs.data(), {F}, {1}), View<float>{},
                             make_view<const float>(a.data(), {F, R}, {1, F}),
                             make_view<const float>(wf.data(), {F, R}, {1, 0}),
                             make_view<const float>(bf.data(), {F, R}, {1, 0}), 1e-5);
    for (int64_t f = 0; f < F; ++f) {
      double sum = 0;
      for (int64_t i = 0; i < R; ++i) sum += a[i * F + f];
      EXPECT_EQ(mu[f], static_cast<float>(sum / R)) << f;  // bitwise
      for (int64_t i = 0; i < R; ++i) {
        volatile float h = (a[i * F + f] - mu[f]) * rs[f];
        volatile float hw = h * wf[f];
        EXPECT_EQ(z[i * F + f], hw + bf[f]) << f << " " << i;  // bitwise
      }
    }
  }
  // Kept dims [5, 3] of a [3, 5, 4] buffer read transposed: 15 groups of 4.
  std::vector<float> ym(15), yr(15);
  std::vector<float> x2(60);
  for (size_t i = 0; i < x2.size(); ++i) x2[i] = static_cast<float>(std::cos(1.3 * i) * 3);
  std::vector<float> out2(60);
  cpu::norm_forward<float>(make_view(out2.data(), {5, 3, 4}, {12, 4, 1}), make_view(ym.data(), {5, 3}, {3, 1}),
                           make_view(yr.data(), {5, 3}, {3, 1}), View<float>{},
                           make_view<const float>(x2.data(), {5, 3, 4}, {4, 20, 1}), {}, {}, 0.0);
  for (int64_t a = 0; a < 5; ++a)
    for (int64_t b = 0; b < 3; ++b) {
      double s = 0;
      for (int64_t j = 0; j < 4; ++j) s += x2[a * 4 + b * 20 + j];
      EXPECT_EQ(ym[a * 3 + b], static_cast<float>(s / 4)) << a << " " << b;  // bitwise
    }
}

TEST(LossKernel, CrossEntropyRowsAndTargetCheck) {
  std::vector<float> logits = {0, 0, 0, 0, 100, -100}, loss(2), lse(2);
  std::vector<int64_t> target = {2, 2};
  cpu::cross_entropy<float>(make_view(loss.data(), {2}, {1}), make_view(lse.data(), {2}, {1}),
                            make_view<const float>(logits.data(), {2, 3}, {3, 1}),
                            make_view<const int64_t>(target.data(), {2}, {1}), 0.0);
  EXPECT_NEAR(loss[0], std::log(3.0), 1e-6);
  EXPECT_NEAR(loss[1], 200.0, 1e-3);
  EXPECT_NEAR(lse[1], 100.0, 1e-3);
  std::vector<int64_t> bad = {0, 3, 1};
  EXPECT_EQ(cpu::first_invalid_target(make_view<const int64_t>(bad.data(), {3}, {1}), 3), 1);
  EXPECT_EQ(cpu::first_invalid_target(make_view<const int64_t>(target.data(), {2}, {1}), 3), -1);
}

}  // namespace
}  // namespace nabla::kernels
