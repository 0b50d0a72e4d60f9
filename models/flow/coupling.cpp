#include "models/flow/coupling.h"

#include <stdexcept>

#include "autograd/nabla.h"

namespace nabla::flow {

namespace {

// [N, D] -> {even-indexed, odd-indexed} coordinates, each [N, D/2].
std::pair<Tensor, Tensor> halves(const Tensor& x) {
  if (x.dim() != 2 || x.size(1) % 2)
    throw std::invalid_argument("AdditiveCoupling: expected [N, D] with D even, got " + describe(x));
  const Tensor pairs = reshape(x, {x.size(0), x.size(1) / 2, 2});
  return {select(pairs, 2, 0), select(pairs, 2, 1)};
}

Tensor interleave(const Tensor& even, const Tensor& odd) {
  return reshape(stack({even, odd}, 2), {even.size(0), 2 * even.size(1)});
}

}  // namespace

AdditiveCoupling::AdditiveCoupling(nn::ModulePtr m, int parity) : parity_(parity) { register_module("m", std::move(m)); }

FlowOut AdditiveCoupling::transform(const Tensor& x) {
  auto [even, odd] = halves(x);
  nn::Module& m = *children()[0].second;
  if (parity_ == 0) odd = odd + m(even);
  else even = even + m(odd);
  return {interleave(even, odd), zero_logdet(x)};
}

Tensor AdditiveCoupling::inverse(const Tensor& z) {
  auto [even, odd] = halves(z);
  nn::Module& m = *children()[0].second;
  if (parity_ == 0) odd = odd - m(even);
  else even = even - m(odd);
  return interleave(even, odd);
}

DiagonalScaling::DiagonalScaling(int64_t dims) { register_parameter("log_scale", zeros({dims})); }

FlowOut DiagonalScaling::transform(const Tensor& x) {
  const Tensor& s = get("log_scale");
  return {x * exp(s), expand(reshape(sum(s), {1}), {x.size(0)})};
}

Tensor DiagonalScaling::inverse(const Tensor& z) { return z * exp(-get("log_scale")); }

AffineCoupling::AffineCoupling(nn::ModulePtr st, Mask mask, int parity, int64_t channels)
    : mask_(mask), parity_(parity) {
  if (mask == Mask::channel && channels % 2)
    throw std::invalid_argument("AffineCoupling: a channel mask needs an even channel count");
  const int64_t acted = mask == Mask::channel ? channels / 2 : channels;
  register_module("st", std::move(st));
  register_parameter("scale", ones({1, acted, 1, 1}));
}

Tensor AffineCoupling::checker(const Tensor& x) const {
  const int64_t h = x.size(2), w = x.size(3);
  std::vector<double> b(h * w);
  for (int64_t i = 0; i < h; ++i)
    for (int64_t j = 0; j < w; ++j) b[i * w + j] = (i + j) % 2 == parity_ ? 1.0 : 0.0;
  return nabla::to(tensor(b, {1, 1, h, w}), x.dtype());
}

std::pair<Tensor, Tensor> AffineCoupling::scale_shift(const Tensor& cond) {
  const Tensor out = (*children()[0].second)(cond);
  const int64_t c = out.size(1) / 2;
  const Tensor s = get("scale") * tanh(slice(out, 1, 0, c));
  return {s, slice(out, 1, c, 2 * c)};
}

FlowOut AffineCoupling::transform(const Tensor& x) {
  if (x.dim() != 4) throw std::invalid_argument("AffineCoupling: expected [N, C, H, W], got " + describe(x));
  if (mask_ == Mask::checkerboard) {
    const Tensor b = checker(x), rest = 1.0 - b;
    auto [s, t] = scale_shift(x * b);
    s = s * rest;
    const Tensor z = x * b + rest * (x * exp(s) + t);
    return {z, sum(flatten(s, 1), {1})};
  }
  const int64_t half = x.size(1) / 2;
  Tensor keep = slice(x, 1, 0, half), act = slice(x, 1, half, x.size(1));
  if (parity_) std::swap(keep, act);
  auto [s, t] = scale_shift(keep);
  const Tensor moved = act * exp(s) + t;
  const Tensor z = parity_ ? cat({moved, keep}, 1) : cat({keep, moved}, 1);
  return {z, sum(flatten(s, 1), {1})};
}

Tensor AffineCoupling::inverse(const Tensor& z) {
  if (mask_ == Mask::checkerboard) {
    const Tensor b = checker(z), rest = 1.0 - b;
    auto [s, t] = scale_shift(z * b);
    return z * b + rest * ((z - t) * exp(-s));
  }
  const int64_t half = z.size(1) / 2;
  Tensor keep = slice(z, 1, 0, half), act = slice(z, 1, half, z.size(1));
  if (parity_) std::swap(keep, act);
  auto [s, t] = scale_shift(keep);
  const Tensor back = (act - t) * exp(-s);
  return parity_ ? cat({back, keep}, 1) : cat({keep, back}, 1);
}

}  // namespace nabla::flow
