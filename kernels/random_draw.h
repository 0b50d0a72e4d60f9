#pragma once
// How one element of a random fill turns its Philox block into a value
// (kernels/random.h), one definition for the CPU kernel (kernels/cpu/random.cpp)
// and the CUDA kernel (kernels/cuda/random.cu). The affine maps are explicit
// fused multiply-adds and the products feeding them rounded alone
// (kernels/host_device_math.h), so uniform, randint and bernoulli give the
// same bits on both; normal goes through each side's log / cos / sqrt.
#include <cstdint>
#include <type_traits>

#include "kernels/host_device_math.h"
#include "kernels/philox.h"
#include "kernels/random.h"

namespace nabla::kernels {

template <class T>
NABLA_HOST_DEVICE inline T draw(const Philox4& r, const RandomArgs& args) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  if constexpr (std::is_same_v<T, float>) {
    const float u = uniform_f32(r.w[0]);
    switch (args.dist) {
      case Distribution::uniform: return static_cast<float>(hd::fma(args.b - args.a, double(u), args.a));
      case Distribution::normal: {  // u1 in (0, 1] keeps the log finite
        const float u1 = 1.0f - u, u2 = uniform_f32(r.w[1]);
        const float rad = hd::sqrt(-2.0f * hd::log(u1)), c = hd::cos(static_cast<float>(kTwoPi) * u2);
        return static_cast<float>(hd::fma(hd::mul(args.b, double(rad)), double(c), args.a));
      }
      case Distribution::bernoulli: return u < args.a ? 1.0f : 0.0f;
      default: break;
    }
  } else if constexpr (std::is_same_v<T, double>) {
    const double u = uniform_f64(r.w[0], r.w[1]);
    switch (args.dist) {
      case Distribution::uniform: return hd::fma(args.b - args.a, u, args.a);
      case Distribution::normal: {
        const double u1 = 1.0 - u, u2 = uniform_f64(r.w[2], r.w[3]);
        return hd::fma(hd::mul(args.b, hd::sqrt(-2.0 * hd::log(u1))), hd::cos(kTwoPi * u2), args.a);
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

}  // namespace nabla::kernels
