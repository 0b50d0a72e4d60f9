#pragma once
// The activations relu, leaky_relu, tanh and sigmoid and their derivatives,
// one definition for the CPU kernels (kernels/cpu/elementwise.cpp,
// kernels/cpu/fused_act.cpp) and the CUDA kernels (kernels/cuda/elementwise.cu,
// kernels/cuda/fused_act.cu). Each is a functor, so a kernel switches on the
// activation once, outside its loop, and the loop body inlines (and, on the
// CPU, vectorises) the formula:
//   f(x)        the activation
//   f.grad(g, y) g * f'(x), written from the output y = f(x):
//     relu        y > 0 ? g : 0
//     leaky_relu  y > 0 ? g : g * slope   (slope > 0, so y > 0 iff x > 0)
//     tanh        g * (1 - y * y)
//     sigmoid     (g * y) * (1 - y)
// relu's and leaky_relu's grad is also the gradient from the input x (the
// same test x > 0): relu_backward uses it so.
//
// Every operation is rounded alone: on the device through __f*_rn (nvcc
// would otherwise contract a * b + c), on the host as written; a host file
// using tanh's grad must be built with -ffp-contract=off (kernels/CMakeLists.txt)
// for 1 - y * y to round twice, as the unfused square-then-subtract does.
#include <cmath>

#include "kernels/fused_act.h"

#if defined(__CUDACC__)
#include "kernels/cuda/rounding.cuh"
#define NABLA_HOST_DEVICE __host__ __device__
#else
#define NABLA_HOST_DEVICE
#endif

namespace nabla::kernels::act {

namespace rounded {
#ifdef __CUDA_ARCH__
#define NABLA_DEVICE_OR_HOST(device, host) device
#else
#define NABLA_DEVICE_OR_HOST(device, host) host
#endif
template <class T>
NABLA_HOST_DEVICE inline T add(T a, T b) { return NABLA_DEVICE_OR_HOST(cuda::rn::add(a, b), a + b); }
template <class T>
NABLA_HOST_DEVICE inline T sub(T a, T b) { return NABLA_DEVICE_OR_HOST(cuda::rn::sub(a, b), a - b); }
template <class T>
NABLA_HOST_DEVICE inline T mul(T a, T b) { return NABLA_DEVICE_OR_HOST(cuda::rn::mul(a, b), a * b); }
template <class T>
NABLA_HOST_DEVICE inline T div(T a, T b) { return NABLA_DEVICE_OR_HOST(cuda::rn::div(a, b), a / b); }
// The device's libdevice exp / tanh, the host's libm: within 1-2 ulp.
template <class T>
NABLA_HOST_DEVICE inline T exp(T x) { return NABLA_DEVICE_OR_HOST(::exp(x), std::exp(x)); }
template <class T>
NABLA_HOST_DEVICE inline T tanh(T x) { return NABLA_DEVICE_OR_HOST(::tanh(x), std::tanh(x)); }
#undef NABLA_DEVICE_OR_HOST
}  // namespace rounded

template <class T>
struct Identity {
  NABLA_HOST_DEVICE T operator()(T x) const { return x; }
  NABLA_HOST_DEVICE T grad(T g, T) const { return g; }
};

// Also for integer T (the CPU and CUDA integer relu).
template <class T>
struct Relu {
  NABLA_HOST_DEVICE T operator()(T x) const { return x > 0 ? x : T(0); }
  NABLA_HOST_DEVICE T grad(T g, T y) const { return y > 0 ? g : T(0); }
};

template <class T>
struct LeakyRelu {
  T slope;
  NABLA_HOST_DEVICE T operator()(T x) const { return x > 0 ? x : rounded::mul(slope, x); }
  NABLA_HOST_DEVICE T grad(T g, T y) const { return y > 0 ? g : rounded::mul(g, slope); }
};

template <class T>
struct Tanh {
  NABLA_HOST_DEVICE T operator()(T x) const { return rounded::tanh(x); }
  NABLA_HOST_DEVICE T grad(T g, T y) const { return rounded::mul(g, rounded::sub(T(1), rounded::mul(y, y))); }
};

// Stable on both tails: never exp of a large positive number.
template <class T>
struct Sigmoid {
  NABLA_HOST_DEVICE T operator()(T x) const {
    if (x >= 0) return rounded::div(T(1), rounded::add(T(1), rounded::exp(-x)));
    const T e = rounded::exp(x);
    return rounded::div(e, rounded::add(T(1), e));
  }
  NABLA_HOST_DEVICE T grad(T g, T y) const { return rounded::mul(rounded::mul(g, y), rounded::sub(T(1), y)); }
};

// (g, y) -> F::grad(g, y), for the loops that map two operands.
template <class F>
struct GradOf {
  F f;
  template <class T>
  NABLA_HOST_DEVICE T operator()(T g, T y) const { return f.grad(g, y); }
};

// Calls fn(functor) with the functor of activation a, so the caller's loop
// is compiled once per activation: the one switch of the fused kernels.
template <class T, class Fn>
void with_activation(Activation a, Fn&& fn) {
  switch (a.kind) {
    case Act::identity: return fn(Identity<T>{});
    case Act::relu: return fn(Relu<T>{});
    case Act::leaky_relu: return fn(LeakyRelu<T>{static_cast<T>(a.slope)});
    case Act::tanh: return fn(Tanh<T>{});
    case Act::sigmoid: return fn(Sigmoid<T>{});
  }
}

}  // namespace nabla::kernels::act
