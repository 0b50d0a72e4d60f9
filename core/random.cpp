#include "core/random.h"

#include <cmath>

#include "core/check.h"
#include "core/copy.h"
#include "core/elementwise.h"
#include "kernels/cuda/random.h"
#include "kernels/device.h"
#include "kernels/random.h"

namespace nabla {

void Generator::manual_seed(uint64_t seed) {
  std::lock_guard lock(mutex_);
  seed_ = seed;
  offset_ = 0;
}

void Generator::set_offset(uint64_t offset) {
  std::lock_guard lock(mutex_);
  offset_ = offset;
}

uint64_t Generator::advance(uint64_t n) {
  std::lock_guard lock(mutex_);
  const uint64_t first = offset_;
  offset_ += n;
  return first;
}

Generator& default_generator() {
  static Generator gen(0);
  return gen;
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

namespace {
Tensor draw(const char* op, const Shape& shape, kernels::RandomArgs args, const Options& o, Generator* gen) {
  if (o.device.is_cuda() && kernels::cuda::capturing_device() == o.device.index)
    throw_invalid(op, "a random draw inside a CUDA graph capture would repeat the same numbers at every replay "
                      "(its Philox offset is a kernel argument): draw outside the captured step into a static "
                      "tensor");
  Generator& g = gen ? *gen : default_generator();
  Tensor t = make_tensor(shape, o.dtype, o.device);
  const uint64_t offset = g.advance(static_cast<uint64_t>(t.numel()));
  auto run = [&]<class T>() {
    if (t.device().is_cuda()) kernels::cuda::random<T>(t.view<T>(), args, g.seed(), offset);
    else kernels::cpu::random<T>(t.view<T>(), args, g.seed(), offset);
  };
  if (args.dist == kernels::Distribution::uniform || args.dist == kernels::Distribution::normal)
    dispatch_float(o.dtype, op, run);
  else
    dispatch_all(o.dtype, op, run);
  if (o.requires_grad) t.requires_grad_();
  return t;
}
}  // namespace

Tensor uniform(const Shape& shape, double low, double high, Options o, Generator* gen) {
  if (!(low <= high) || !std::isfinite(low) || !std::isfinite(high))
    throw_invalid("uniform", "expected finite low <= high");
  return draw("uniform", shape, {kernels::Distribution::uniform, low, high}, o, gen);
}
Tensor rand(const Shape& shape, Options o, Generator* gen) { return uniform(shape, 0, 1, o, gen); }

Tensor normal(const Shape& shape, double mean, double std, Options o, Generator* gen) {
  if (!(std >= 0) || !std::isfinite(mean) || !std::isfinite(std))
    throw_invalid("normal", "expected a finite mean and std >= 0");
  return draw("normal", shape, {kernels::Distribution::normal, mean, std}, o, gen);
}
Tensor randn(const Shape& shape, Options o, Generator* gen) { return normal(shape, 0, 1, o, gen); }

Tensor randint(int64_t low, int64_t high, const Shape& shape, Options o, Generator* gen) {
  if (high <= low)
    throw_invalid("randint", "expected low < high, got [" + std::to_string(low) + ", " + std::to_string(high) + ")");
  return draw("randint", shape, {kernels::Distribution::randint, static_cast<double>(low), static_cast<double>(high)},
              o, gen);
}

Tensor bernoulli(const Shape& shape, double p, Options o, Generator* gen) {
  if (!(p >= 0 && p <= 1)) throw_invalid("bernoulli", "expected 0 <= p <= 1, got " + std::to_string(p));
  return draw("bernoulli", shape, {kernels::Distribution::bernoulli, p, 0}, o, gen);
}

Tensor bernoulli(const Tensor& p, Generator* gen) {
  check_defined("bernoulli", p);
  Tensor u = rand(p.shape(), Options::like(p), gen);
  return prim::to(prim::compare(kernels::Compare::lt, u, p), p.dtype());
}

Tensor rand_like(const Tensor& x, Generator* gen) { return rand(x.shape(), Options::like(x), gen); }
Tensor randn_like(const Tensor& x, Generator* gen) { return randn(x.shape(), Options::like(x), gen); }

}  // namespace nabla
