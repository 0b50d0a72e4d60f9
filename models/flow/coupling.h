#pragma once
// Coupling layers: half of the input passes unchanged and conditions an
// invertible map of the other half, so the Jacobian is triangular.
#include <cstdint>

#include "models/flow/flow.h"
#include "models/nn/module.h"

namespace nabla::flow {

// NICE's additive coupling (Dinh et al. 2015, eq. 4-5) on vectors [N, D], D
// even: the D/2 even-indexed and D/2 odd-indexed coordinates are the halves;
// `parity` 0 keeps the even ones and shifts the odd ones by m(even), parity 1
// the other way round. Unit Jacobian: log-determinant exactly 0.
class AdditiveCoupling : public FlowLayer {
 public:
  // m maps [N, D/2] -> [N, D/2].
  AdditiveCoupling(nn::ModulePtr m, int parity);
  FlowOut transform(const Tensor& x) override;
  Tensor inverse(const Tensor& z) override;
  std::string type_name() const override { return "AdditiveCoupling"; }

 private:
  int parity_;
};

// NICE's diagonal scaling (Dinh et al. 2015, sec. 3.3): z = exp(s) x with s
// [D] learned (zero at init); log-determinant sum(s).
class DiagonalScaling : public FlowLayer {
 public:
  explicit DiagonalScaling(int64_t dims);
  FlowOut transform(const Tensor& x) override;
  Tensor inverse(const Tensor& z) override;
  std::string type_name() const override { return "DiagonalScaling"; }
};

// Real NVP's affine coupling (Dinh et al. 2017, eq. 6-9) on images
// [N, C, H, W]: z_b = x_b, z_c = x_c exp(s(x_b)) + t(x_b), log-det sum(s).
// checkerboard: b is the spatial checkerboard (h + w) % 2 == parity (st sees
// b * x and both s and t are masked by 1 - b); channel: b is the first half
// of the channels for parity 0, the second for parity 1. The net maps the
// conditioning input (C channels for checkerboard, C/2 for channel) to
// 2 C (or C) channels, split into raw s and t; s = scale * tanh(raw s) with a
// learned per-channel scale keeps exp(s) bounded.
enum class Mask { checkerboard, channel };

class AffineCoupling : public FlowLayer {
 public:
  AffineCoupling(nn::ModulePtr st, Mask mask, int parity, int64_t channels);
  FlowOut transform(const Tensor& x) override;
  Tensor inverse(const Tensor& z) override;
  std::string type_name() const override { return "AffineCoupling"; }

 private:
  // s and t for the conditioning part of x, masked to act on the other part.
  std::pair<Tensor, Tensor> scale_shift(const Tensor& cond);
  Tensor checker(const Tensor& x) const;  // b as [1, 1, H, W] of x's dtype
  Mask mask_;
  int parity_;
};

}  // namespace nabla::flow
