// CUDA elementwise kernels. One grid-stride kernel per arity (map1, map2,
// map3) takes a device functor; each op is a functor below, written as its
// CPU twin in kernels/cpu/elementwise.cpp. When every operand is contiguous
// (no broadcasting) the index is the offset; otherwise offset_of walks the
// strides. Contiguous unary and binary maps whose pointers are aligned load
// and store packs of K elements (16 bytes of the widest operand) per thread
// and iteration; the remaining n % K elements, and misaligned or strided
// operands, take the element-wise kernel. Each element gets the same functor
// either way, so the two paths give bitwise the same results. Integer dtypes (i64, u8) run the CPU's integer subset: unary
// neg, abs, sign, square, relu, clamp; binary all but div and pow; compare
// and where take bool too.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "kernels/activation_math.h"
#include "kernels/cuda/elementwise.h"
#include "kernels/cuda/launch.cuh"
#include "kernels/instantiate.h"

namespace nabla::kernels::cuda {

namespace {

#define GRID_STRIDE(i, n) \
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < (n); i += int64_t(gridDim.x) * blockDim.x)

// ---------------------------------------------------------------- kernels
template <class O, class A, class F>
__global__ void map1(View<O> out, View<const A> a, F f, int64_t n, bool flat) {
  GRID_STRIDE(i, n) {
    if (flat) out.data[i] = f(a.data[i]);
    else out.data[offset_of(out, i)] = f(a.data[offset_of(a, i)]);
  }
}

template <class O, class A, class F>
__global__ void map2(View<O> out, View<const A> a, View<const A> b, F f, int64_t n, bool flat) {
  GRID_STRIDE(i, n) {
    if (flat) out.data[i] = f(a.data[i], b.data[i]);
    else out.data[offset_of(out, i)] = f(a.data[offset_of(a, i)], b.data[offset_of(b, i)]);
  }
}

// K consecutive elements moved by one load or store.
template <class T, int K>
struct alignas(sizeof(T) * K) Pack {
  T v[K];
};

// Elements per pack: 16 bytes of the wider of the output and input types.
template <class O, class A>
constexpr int pack_width() {
  return static_cast<int>(16 / (sizeof(O) > sizeof(A) ? sizeof(O) : sizeof(A)));
}

template <int K, class T>
bool pack_aligned(const T* p) {
  return reinterpret_cast<uintptr_t>(p) % (sizeof(T) * K) == 0;
}

template <int K, class O, class A, class F>
__global__ void map1_packed(O* out, const A* a, F f, int64_t packs) {
  GRID_STRIDE(p, packs) {
    const Pack<A, K> x = reinterpret_cast<const Pack<A, K>*>(a)[p];
    Pack<O, K> y;
#pragma unroll
    for (int k = 0; k < K; ++k) y.v[k] = f(x.v[k]);
    reinterpret_cast<Pack<O, K>*>(out)[p] = y;
  }
}

template <int K, class O, class A, class F>
__global__ void map2_packed(O* out, const A* a, const A* b, F f, int64_t packs) {
  GRID_STRIDE(p, packs) {
    const Pack<A, K> x = reinterpret_cast<const Pack<A, K>*>(a)[p];
    const Pack<A, K> y = reinterpret_cast<const Pack<A, K>*>(b)[p];
    Pack<O, K> z;
#pragma unroll
    for (int k = 0; k < K; ++k) z.v[k] = f(x.v[k], y.v[k]);
    reinterpret_cast<Pack<O, K>*>(out)[p] = z;
  }
}

template <class T>
__global__ void where_kernel(View<T> out, View<const bool> c, View<const T> a, View<const T> b, int64_t n) {
  GRID_STRIDE(i, n) {
    out.data[offset_of(out, i)] = c.data[offset_of(c, i)] ? a.data[offset_of(a, i)] : b.data[offset_of(b, i)];
  }
}

// ---------------------------------------------------------------- launchers
// The packed kernel over the first packs * K elements when every operand is
// contiguous and aligned; the element-wise kernel over the rest (flat: the
// views shifted past the packed part).
template <class O, class A, class F>
void launch1(View<O> out, View<const A> a, F f) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const cudaStream_t st = stream(device_of(out.data));
  const bool flat = out.contiguous() && a.contiguous();
  constexpr int K = pack_width<O, A>();
  const int64_t packs = flat && pack_aligned<K>(out.data) && pack_aligned<K>(a.data) ? n / K : 0;
  if (packs > 0) {
    map1_packed<K><<<grid_for(packs), kBlock, 0, st>>>(out.data, a.data, f, packs);
    CUDA_CHECK_LAUNCH();
  }
  const int64_t done = packs * K;
  if (done == n) return;
  out.data += done;
  a.data += done;
  map1<<<grid_for(n - done), kBlock, 0, st>>>(out, a, f, n - done, flat);
  CUDA_CHECK_LAUNCH();
}

template <class O, class A, class F>
void launch2(View<O> out, View<const A> a, View<const A> b, F f) {
  const int64_t n = out.numel();
  if (n == 0) return;
  const cudaStream_t st = stream(device_of(out.data));
  const bool flat = out.contiguous() && a.contiguous() && b.contiguous();
  constexpr int K = pack_width<O, A>();
  const int64_t packs =
      flat && pack_aligned<K>(out.data) && pack_aligned<K>(a.data) && pack_aligned<K>(b.data) ? n / K : 0;
  if (packs > 0) {
    map2_packed<K><<<grid_for(packs), kBlock, 0, st>>>(out.data, a.data, b.data, f, packs);
    CUDA_CHECK_LAUNCH();
  }
  const int64_t done = packs * K;
  if (done == n) return;
  out.data += done;
  a.data += done;
  b.data += done;
  map2<<<grid_for(n - done), kBlock, 0, st>>>(out, a, b, f, n - done, flat);
  CUDA_CHECK_LAUNCH();
}

// ---------------------------------------------------------------- unary ops
// x < 0, without comparing an unsigned type with zero.
template <class T>
__device__ bool negative(T x) {
  if constexpr (std::is_signed_v<T>) return x < 0;
  else return false;
}

#define UNARY(Name, expr)                                    \
  template <class T>                                         \
  struct Name {                                              \
    T a, b;                                                  \
    __device__ T operator()(T x) const { return (expr); }    \
  };
UNARY(Neg, -x)
UNARY(Exp, exp(x))
UNARY(Log, log(x))
UNARY(Log1p, log1p(x))
UNARY(Expm1, expm1(x))
UNARY(Sqrt, sqrt(x))
UNARY(Rsqrt, T(1) / sqrt(x))
UNARY(Abs, fabs(x))
UNARY(Sign, T((x > 0) - negative(x)))
UNARY(Sin, sin(x))
UNARY(Cos, cos(x))
UNARY(Elu, x > 0 ? x : a * expm1(x))
// log(1 + exp(beta x)) / beta, linear above the threshold
UNARY(Softplus, a * x > b ? x : (fmax(a * x, T(0)) + log1p(exp(-fabs(a * x)))) / a)
UNARY(Square, x * x)
UNARY(PowScalar, pow(x, a))
UNARY(Clamp, x < a ? a : (x > b ? b : x))
UNARY(Reciprocal, T(1) / x)
// The integer ops (kernels/cpu/elementwise.cpp's unary_int): results wrap to T.
UNARY(IntNeg, T(-x))
UNARY(IntAbs, negative(x) ? T(-x) : x)
UNARY(IntSquare, T(x * x))
#undef UNARY

// ---------------------------------------------------------------- binary ops
#define BINARY(Name, R, expr)                                  \
  template <class T>                                           \
  struct Name {                                                \
    __device__ R operator()(T x, T y) const { return (expr); } \
  };
BINARY(Add, T, T(x + y))
BINARY(Sub, T, T(x - y))
BINARY(Mul, T, T(x * y))
BINARY(Div, T, x / y)
BINARY(Pow, T, pow(x, y))
BINARY(Maximum, T, x > y || x != x ? x : y)  // NaN propagates
BINARY(Minimum, T, x < y || x != x ? x : y)
BINARY(Eq, bool, x == y)
BINARY(Ne, bool, x != y)
BINARY(Lt, bool, x < y)
BINARY(Le, bool, x <= y)
BINARY(Gt, bool, x > y)
BINARY(Ge, bool, x >= y)
#undef BINARY

[[noreturn]] void no_integer_kernel(const char* op) {
  throw std::invalid_argument(std::string(op) + ": no CUDA kernel for element type integer");
}

// neg, abs, sign, square, relu and clamp: the ops the CPU runs on integers.
template <class T>
void unary_int(Unary op, UnaryArgs args, View<T> out, View<const T> in) {
  const T a = static_cast<T>(args.a), b = static_cast<T>(args.b);
  switch (op) {
    case Unary::neg: return launch1(out, in, IntNeg<T>{a, b});
    case Unary::abs: return launch1(out, in, IntAbs<T>{a, b});
    case Unary::sign: return launch1(out, in, Sign<T>{a, b});
    case Unary::square: return launch1(out, in, IntSquare<T>{a, b});
    case Unary::relu: return launch1(out, in, act::Relu<T>{});
    case Unary::clamp: return launch1(out, in, Clamp<T>{a, b});
    default: no_integer_kernel(name(op));
  }
}

template <class T>
void unary_float(Unary op, UnaryArgs args, View<T> out, View<const T> in) {
  const T a = static_cast<T>(args.a), b = static_cast<T>(args.b);
  switch (op) {
    case Unary::neg: return launch1(out, in, Neg<T>{a, b});
    case Unary::exp: return launch1(out, in, Exp<T>{a, b});
    case Unary::log: return launch1(out, in, Log<T>{a, b});
    case Unary::log1p: return launch1(out, in, Log1p<T>{a, b});
    case Unary::expm1: return launch1(out, in, Expm1<T>{a, b});
    case Unary::sqrt: return launch1(out, in, Sqrt<T>{a, b});
    case Unary::rsqrt: return launch1(out, in, Rsqrt<T>{a, b});
    case Unary::abs: return launch1(out, in, Abs<T>{a, b});
    case Unary::sign: return launch1(out, in, Sign<T>{a, b});
    case Unary::sin: return launch1(out, in, Sin<T>{a, b});
    case Unary::cos: return launch1(out, in, Cos<T>{a, b});
    case Unary::tanh: return launch1(out, in, act::Tanh<T>{});
    case Unary::sigmoid: return launch1(out, in, act::Sigmoid<T>{});
    case Unary::relu: return launch1(out, in, act::Relu<T>{});
    case Unary::leaky_relu: return launch1(out, in, act::LeakyRelu<T>{a});
    case Unary::elu: return launch1(out, in, Elu<T>{a, b});
    case Unary::softplus: return launch1(out, in, Softplus<T>{a, b});
    case Unary::square: return launch1(out, in, Square<T>{a, b});
    case Unary::pow_scalar: return launch1(out, in, PowScalar<T>{a, b});
    case Unary::clamp: return launch1(out, in, Clamp<T>{a, b});
    case Unary::reciprocal: return launch1(out, in, Reciprocal<T>{a, b});
  }
}

}  // namespace

template <class T>
void unary(Unary op, UnaryArgs args, View<T> out, View<const T> in) {
  if constexpr (std::is_floating_point_v<T>) unary_float(op, args, out, in);
  else unary_int(op, args, out, in);
}

template <class T>
void binary(Binary op, View<T> out, View<const T> a, View<const T> b) {
  switch (op) {
    case Binary::add: return launch2(out, a, b, Add<T>{});
    case Binary::sub: return launch2(out, a, b, Sub<T>{});
    case Binary::mul: return launch2(out, a, b, Mul<T>{});
    case Binary::div:
      if constexpr (std::is_floating_point_v<T>) return launch2(out, a, b, Div<T>{});
      else no_integer_kernel(name(op));
    case Binary::pow:
      if constexpr (std::is_floating_point_v<T>) return launch2(out, a, b, Pow<T>{});
      else no_integer_kernel(name(op));
    case Binary::maximum: return launch2(out, a, b, Maximum<T>{});
    case Binary::minimum: return launch2(out, a, b, Minimum<T>{});
  }
}

template <class T>
void compare(Compare op, View<bool> out, View<const T> a, View<const T> b) {
  switch (op) {
    case Compare::eq: return launch2(out, a, b, Eq<T>{});
    case Compare::ne: return launch2(out, a, b, Ne<T>{});
    case Compare::lt: return launch2(out, a, b, Lt<T>{});
    case Compare::le: return launch2(out, a, b, Le<T>{});
    case Compare::gt: return launch2(out, a, b, Gt<T>{});
    case Compare::ge: return launch2(out, a, b, Ge<T>{});
  }
}

template <class T>
void where(View<T> out, View<const bool> cond, View<const T> a, View<const T> b) {
  const int64_t n = out.numel();
  if (n == 0) return;
  where_kernel<<<grid_for(n), kBlock, 0, stream(device_of(out.data))>>>(out, cond, a, b, n);
  CUDA_CHECK_LAUNCH();
}

template <class T>
void relu_backward(View<T> out, View<const T> g, View<const T> x, T slope, bool leaky) {
  if (leaky) launch2(out, g, x, act::GradOf<act::LeakyRelu<T>>{{slope}});
  else launch2(out, g, x, act::GradOf<act::Relu<T>>{});
}

NABLA_INSTANTIATE_ELEMENTWISE()

}  // namespace nabla::kernels::cuda
