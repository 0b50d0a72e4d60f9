#include "kernels/random.h"

#include <cmath>
#include <type_traits>

#include "kernels/cpu/loop.h"
#include "kernels/philox.h"

namespace nabla::kernels::cpu {

namespace {
// The affine maps are written as explicit fused multiply-adds: GCC would
// contract them into FMAs or not depending on -march, and the CUDA kernels
// (kernels/cuda/random.cu) compute the same fma, so the bits match.
constexpr double kTwoPi = 6.283185307179586476925286766559;

template <class T>
T draw(const Philox4& r, const RandomArgs& args) {
  if constexpr (std::is_same_v<T, float>) {
    const float u = uniform_f32(r.w[0]);
    switch (args.dist) {
      case Distribution::uniform: return static_cast<float>(std::fma(args.b - args.a, double(u), args.a));
      case Distribution::normal: {  // u1 in (0, 1] keeps the log finite
        const float u1 = 1.0f - u, u2 = uniform_f32(r.w[1]);
        const float r = std::sqrt(-2.0f * std::log(u1)), c = std::cos(static_cast<float>(kTwoPi) * u2);
        return static_cast<float>(std::fma(args.b * r, double(c), args.a));
      }
      case Distribution::bernoulli: return u < args.a ? 1.0f : 0.0f;
      default: break;
    }
  } else if constexpr (std::is_same_v<T, double>) {
    const double u = uniform_f64(r.w[0], r.w[1]);
    switch (args.dist) {
      case Distribution::uniform: return std::fma(args.b - args.a, u, args.a);
      case Distribution::normal: {
        const double u1 = 1.0 - u, u2 = uniform_f64(r.w[2], r.w[3]);
        return std::fma(args.b * std::sqrt(-2.0 * std::log(u1)), std::cos(kTwoPi * u2), args.a);
      }
      case Distribution::bernoulli: return u < args.a ? 1.0 : 0.0;
      default: break;
    }
  }
  if (args.dist == Distribution::randint) {
    const uint64_t bits = (static_cast<uint64_t>(r.w[0]) << 32) | r.w[1];
    const uint64_t range = static_cast<uint64_t>(args.b - args.a);
    return static_cast<T>(static_cast<int64_t>(args.a) + static_cast<int64_t>(bits % range));
  }
  if (args.dist == Distribution::bernoulli) return static_cast<T>(uniform_f64(r.w[0], r.w[1]) < args.a);
  return T(0);  // continuous distributions on integer types are rejected by core/
}
}  // namespace

template <class T>
void random(View<T> out, RandomArgs args, uint64_t seed, uint64_t offset) {
  const int64_t n = out.numel();  // out is contiguous
#pragma omp parallel for if (n >= kParallelGrain) schedule(static)
  for (int64_t i = 0; i < n; ++i)
    out.data[i] = draw<T>(philox4x32_10(offset + static_cast<uint64_t>(i), 0, seed), args);
}

template void random<float>(View<float>, RandomArgs, uint64_t, uint64_t);
template void random<double>(View<double>, RandomArgs, uint64_t, uint64_t);
template void random<int64_t>(View<int64_t>, RandomArgs, uint64_t, uint64_t);
template void random<uint8_t>(View<uint8_t>, RandomArgs, uint64_t, uint64_t);
template void random<bool>(View<bool>, RandomArgs, uint64_t, uint64_t);

}  // namespace nabla::kernels::cpu
