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
// Every operation is rounded alone (kernels/host_device_math.h); a host file
// using tanh's grad must be built with -ffp-contract=off (kernels/CMakeLists.txt)
// for 1 - y * y to round twice, as the unfused square-then-subtract does.
#include "kernels/fused_act.h"
#include "kernels/host_device_math.h"

namespace nabla::kernels::act {

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
  NABLA_HOST_DEVICE T operator()(T x) const { return x > 0 ? x : hd::mul(slope, x); }
  NABLA_HOST_DEVICE T grad(T g, T y) const { return y > 0 ? g : hd::mul(g, slope); }
};

template <class T>
struct Tanh {
  NABLA_HOST_DEVICE T operator()(T x) const { return hd::tanh(x); }
  NABLA_HOST_DEVICE T grad(T g, T y) const { return hd::mul(g, hd::sub(T(1), hd::mul(y, y))); }
};

// Stable on both tails: never exp of a large positive number.
template <class T>
struct Sigmoid {
  NABLA_HOST_DEVICE T operator()(T x) const {
    if (x >= 0) return hd::div(T(1), hd::add(T(1), hd::exp(-x)));
    const T e = hd::exp(x);
    return hd::div(e, hd::add(T(1), e));
  }
  NABLA_HOST_DEVICE T grad(T g, T y) const { return hd::mul(hd::mul(g, y), hd::sub(T(1), y)); }
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
