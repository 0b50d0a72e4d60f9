#pragma once
// Arithmetic and libm functions for formulas written once for the CPU and
// the CUDA kernels (kernels/activation_math.h, kernels/random_draw.h): a
// function marked NABLA_HOST_DEVICE compiles for both under nvcc and as
// plain inline C++ under the host compiler.
//   add, sub, mul, div  rounded alone: on the device through __f*_rn / __d*_rn
//                       (nvcc would otherwise contract a * b + c), on the
//                       host as written (a host file that must not contract
//                       is built with -ffp-contract=off, kernels/CMakeLists.txt)
//   fma                 correctly rounded on both
//   exp, tanh, log, sqrt, cos  the device's libdevice (float: expf, ...), the
//                       host's libm: within 1-2 ulp of each other
#include <cmath>

#if defined(__CUDACC__)
#include "kernels/cuda/rounding.cuh"
#define NABLA_HOST_DEVICE __host__ __device__
#else
#define NABLA_HOST_DEVICE
#endif

#ifdef __CUDA_ARCH__
#define NABLA_DEVICE_OR_HOST(device, host) device
#else
#define NABLA_DEVICE_OR_HOST(device, host) host
#endif

namespace nabla::kernels::hd {

template <class T>
NABLA_HOST_DEVICE inline T add(T a, T b) { return NABLA_DEVICE_OR_HOST(cuda::rn::add(a, b), a + b); }
template <class T>
NABLA_HOST_DEVICE inline T sub(T a, T b) { return NABLA_DEVICE_OR_HOST(cuda::rn::sub(a, b), a - b); }
template <class T>
NABLA_HOST_DEVICE inline T mul(T a, T b) { return NABLA_DEVICE_OR_HOST(cuda::rn::mul(a, b), a * b); }
template <class T>
NABLA_HOST_DEVICE inline T div(T a, T b) { return NABLA_DEVICE_OR_HOST(cuda::rn::div(a, b), a / b); }
NABLA_HOST_DEVICE inline double fma(double a, double b, double c) {
  return NABLA_DEVICE_OR_HOST(::fma(a, b, c), std::fma(a, b, c));
}

#define NABLA_HD_MATH(fn)                                                                              \
  NABLA_HOST_DEVICE inline float fn(float x) { return NABLA_DEVICE_OR_HOST(::fn##f(x), std::fn(x)); } \
  NABLA_HOST_DEVICE inline double fn(double x) { return NABLA_DEVICE_OR_HOST(::fn(x), std::fn(x)); }
NABLA_HD_MATH(exp)
NABLA_HD_MATH(tanh)
NABLA_HD_MATH(log)
NABLA_HD_MATH(sqrt)
NABLA_HD_MATH(cos)
#undef NABLA_HD_MATH

}  // namespace nabla::kernels::hd

#undef NABLA_DEVICE_OR_HOST
