#pragma once
// Direct-loop convolutions in double: the references the im2col kernels are
// tested against; and the shape of a test case.
#include <vector>

#include "core/conv.h"
#include "core/factory.h"

namespace nabla::testing {

// A convolution test case: input x [N, C_in, H, W] and a weight of shape w under params p.
struct ConvCase {
  Shape x, w;
  Conv2dParams p;
};

// y[n, o, i, j] = b[o] + sum_{c, a, q} w[o, c, a, q] x[n, g C_in/G + c, i s - p + a d, j s - p + q d].
inline Tensor naive_conv2d(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
  const auto X = to_vector<double>(x), K = to_vector<double>(w);
  const auto B = b.defined() ? to_vector<double>(b) : std::vector<double>(w.size(0), 0.0);
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int64_t O = w.size(0), Cg = w.size(1), kH = w.size(2), kW = w.size(3), Og = O / p.groups;
  const int64_t Ho = (H + 2 * p.padding[0] - p.dilation[0] * (kH - 1) - 1) / p.stride[0] + 1;
  const int64_t Wo = (W + 2 * p.padding[1] - p.dilation[1] * (kW - 1) - 1) / p.stride[1] + 1;
  std::vector<double> Y(N * O * Ho * Wo);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t i = 0; i < Ho; ++i)
        for (int64_t j = 0; j < Wo; ++j) {
          double acc = B[o];
          for (int64_t c = 0; c < Cg; ++c)
            for (int64_t a = 0; a < kH; ++a)
              for (int64_t q = 0; q < kW; ++q) {
                const int64_t h = i * p.stride[0] - p.padding[0] + a * p.dilation[0];
                const int64_t v = j * p.stride[1] - p.padding[1] + q * p.dilation[1];
                if (h < 0 || h >= H || v < 0 || v >= W) continue;
                const int64_t ci = (o / Og) * Cg + c;
                acc += K[((o * Cg + c) * kH + a) * kW + q] * X[((n * C + ci) * H + h) * W + v];
              }
          Y[((n * O + o) * Ho + i) * Wo + j] = acc;
        }
  return tensor<double>(Y, {N, O, Ho, Wo});
}

// Scatter form: every x[n, c, h, v] adds x w[c, o, a, q] at output
// (h s - p + a d, v s - p + q d) of channel g C_out/G + o.
inline Tensor naive_conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
  const auto X = to_vector<double>(x), K = to_vector<double>(w);
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int64_t Og = w.size(1), kH = w.size(2), kW = w.size(3), Cg = C / p.groups, O = Og * p.groups;
  const auto B = b.defined() ? to_vector<double>(b) : std::vector<double>(O, 0.0);
  const int64_t Ho = (H - 1) * p.stride[0] - 2 * p.padding[0] + p.dilation[0] * (kH - 1) + p.output_padding[0] + 1;
  const int64_t Wo = (W - 1) * p.stride[1] - 2 * p.padding[1] + p.dilation[1] * (kW - 1) + p.output_padding[1] + 1;
  std::vector<double> Y(N * O * Ho * Wo);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t k = 0; k < Ho * Wo; ++k) Y[(n * O + o) * Ho * Wo + k] = B[o];
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t h = 0; h < H; ++h)
        for (int64_t v = 0; v < W; ++v)
          for (int64_t o = 0; o < Og; ++o)
            for (int64_t a = 0; a < kH; ++a)
              for (int64_t q = 0; q < kW; ++q) {
                const int64_t i = h * p.stride[0] - p.padding[0] + a * p.dilation[0];
                const int64_t j = v * p.stride[1] - p.padding[1] + q * p.dilation[1];
                if (i < 0 || i >= Ho || j < 0 || j >= Wo) continue;
                const int64_t oc = (c / Cg) * Og + o;
                Y[((n * O + oc) * Ho + i) * Wo + j] +=
                    X[((n * C + c) * H + h) * W + v] * K[((c * Og + o) * kH + a) * kW + q];
              }
  return tensor<double>(Y, {N, O, Ho, Wo});
}

// gw[o, c, a, q] = sum_{n, i, j} g[n, o, i, j] x[n, g C_in/G + c, i s - p + a d, j s - p + q d].
inline Tensor naive_conv2d_weight(const Tensor& x, const Tensor& g, const Shape& ws, const Conv2dParams& p) {
  const auto X = to_vector<double>(x), G = to_vector<double>(g);
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3), Ho = g.size(2), Wo = g.size(3);
  const int64_t O = ws[0], Cg = ws[1], kH = ws[2], kW = ws[3], Og = O / p.groups;
  std::vector<double> R(O * Cg * kH * kW, 0.0);
  for (int64_t o = 0; o < O; ++o)
    for (int64_t c = 0; c < Cg; ++c)
      for (int64_t a = 0; a < kH; ++a)
        for (int64_t q = 0; q < kW; ++q) {
          double acc = 0;
          for (int64_t n = 0; n < N; ++n)
            for (int64_t i = 0; i < Ho; ++i)
              for (int64_t j = 0; j < Wo; ++j) {
                const int64_t h = i * p.stride[0] - p.padding[0] + a * p.dilation[0];
                const int64_t v = j * p.stride[1] - p.padding[1] + q * p.dilation[1];
                if (h < 0 || h >= H || v < 0 || v >= W) continue;
                const int64_t ci = (o / Og) * Cg + c;
                acc += G[((n * O + o) * Ho + i) * Wo + j] * X[((n * C + ci) * H + h) * W + v];
              }
          R[((o * Cg + c) * kH + a) * kW + q] = acc;
        }
  return tensor<double>(R, ws);
}

}  // namespace nabla::testing
