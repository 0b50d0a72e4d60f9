// Random fills from the Philox stream: one thread per element (grid-stride),
// each a pure function of (seed, offset + i), as kernels/cpu/random.cpp.
//
// The affine maps are explicit fused multiply-adds, as on the CPU
// (kernels/cpu/random.cpp): fma is correctly rounded on both, so the
// uniform bits match whatever either compiler would contract.
#include <cstdint>
#include <type_traits>

#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/random.h"
#include "kernels/philox.h"

namespace nabla::kernels::cuda {

namespace {
constexpr double kTwoPi = 6.283185307179586476925286766559;

__device__ double affine(double a, double b, double u) { return fma(b - a, u, a); }

template <class T>
__device__ T draw(const Philox4& r, const RandomArgs& args) {
  if constexpr (std::is_same_v<T, float>) {
    const float u = uniform_f32(r.w[0]);
    switch (args.dist) {
      case Distribution::uniform: return static_cast<float>(affine(args.a, args.b, u));
      case Distribution::normal: {  // u1 in (0, 1] keeps the log finite
        const float u1 = 1.0f - u, u2 = uniform_f32(r.w[1]);
        const float r = sqrtf(-2.0f * logf(u1)), c = cosf(static_cast<float>(kTwoPi) * u2);
        return static_cast<float>(fma(__dmul_rn(args.b, r), double(c), args.a));
      }
      case Distribution::bernoulli: return u < args.a ? 1.0f : 0.0f;
      default: break;
    }
  } else if constexpr (std::is_same_v<T, double>) {
    const double u = uniform_f64(r.w[0], r.w[1]);
    switch (args.dist) {
      case Distribution::uniform: return affine(args.a, args.b, u);
      case Distribution::normal: {
        const double u1 = 1.0 - u, u2 = uniform_f64(r.w[2], r.w[3]);
        return fma(__dmul_rn(args.b, sqrt(-2.0 * log(u1))), cos(kTwoPi * u2), args.a);
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
  return T(0);
}

template <class T>
__global__ void random_kernel(T* out, int64_t n, RandomArgs args, uint64_t seed, uint64_t offset) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = draw<T>(philox4x32_10(offset + static_cast<uint64_t>(i), 0, seed), args);
}
}  // namespace

template <class T>
void random(View<T> out, RandomArgs args, uint64_t seed, uint64_t offset) {
  const int64_t n = out.numel();
  if (n == 0) return;
  random_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out.data, n, args, seed, offset);
  CUDA_CHECK_LAUNCH();
}

template void random<float>(View<float>, RandomArgs, uint64_t, uint64_t);
template void random<double>(View<double>, RandomArgs, uint64_t, uint64_t);
template void random<int64_t>(View<int64_t>, RandomArgs, uint64_t, uint64_t);
template void random<uint8_t>(View<uint8_t>, RandomArgs, uint64_t, uint64_t);
template void random<bool>(View<bool>, RandomArgs, uint64_t, uint64_t);

}  // namespace nabla::kernels::cuda
