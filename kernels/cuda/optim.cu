// CUDA fused Adam: a grid-stride loop, one thread per element, the
// operations of kernels/cpu/optim.cpp in the same order, each rounded alone.
#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/optim.h"
#include "kernels/cuda/rounding.cuh"

namespace nabla::kernels::cuda {

namespace {

template <class T>
struct AdamConsts {
  T wd, w, b2, c2, bc2, eps, step;
  bool decay, low;
};

template <class T>
__device__ __forceinline__ void adam_element(T& p, T& m, T& s, T g, const AdamConsts<T>& k) {
  if (k.decay) g = rn::add(g, rn::mul(p, k.wd));
  const T diff = rn::sub(g, m);
  m = k.low ? rn::add(m, rn::mul(diff, k.w)) : rn::sub(g, rn::mul(diff, k.w));
  s = rn::add(rn::mul(s, k.b2), rn::mul(rn::mul(g, g), k.c2));
  const T denom = rn::add(rn::div(rn::sqrt(s), k.bc2), k.eps);
  p = rn::add(p, rn::mul(rn::div(m, denom), k.step));
}

// The per-step constants from device memory when given (a captured step).
template <class T>
__device__ __forceinline__ void load_step(AdamConsts<T>& k, const double* step_scalars) {
  if (!step_scalars) return;
  k.bc2 = static_cast<T>(step_scalars[0]);
  k.step = static_cast<T>(step_scalars[1]);
}

template <class T>
__global__ void adam_flat(T* p, T* m, T* s, const T* g, AdamConsts<T> k, const double* step_scalars, int64_t n) {
  load_step(k, step_scalars);
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    adam_element(p[i], m[i], s[i], g[i], k);
}

template <class T>
__global__ void adam_strided(View<T> p, View<T> m, View<T> s, View<const T> g, AdamConsts<T> k,
                             const double* step_scalars, int64_t n) {
  load_step(k, step_scalars);
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    adam_element(p.data[offset_of(p, i)], m.data[offset_of(m, i)], s.data[offset_of(s, i)],
                 g.data[offset_of(g, i)], k);
}

}  // namespace

template <class T>
void adam_step(View<T> param, View<T> exp_avg, View<T> exp_avg_sq, View<const T> grad, const AdamStep& a,
               const double* step_scalars) {
  const int64_t n = param.numel();
  if (n == 0) return;
  AdamConsts<T> k;
  k.decay = a.weight_decay != 0;
  k.low = a.lerp_weight < 0.5;
  k.wd = static_cast<T>(a.weight_decay);
  k.w = static_cast<T>(k.low ? a.lerp_weight : 1 - a.lerp_weight);
  k.b2 = static_cast<T>(a.beta2);
  k.c2 = static_cast<T>(a.one_minus_beta2);
  k.bc2 = static_cast<T>(a.bias_correction2_sqrt);
  k.eps = static_cast<T>(a.eps);
  k.step = static_cast<T>(a.neg_step_size);
  cudaStream_t st = stream(device_of(param.data));
  if (param.contiguous() && exp_avg.contiguous() && exp_avg_sq.contiguous() && grad.contiguous())
    adam_flat<T><<<grid_for(n), kBlock, 0, st>>>(param.data, exp_avg.data, exp_avg_sq.data, grad.data, k, step_scalars,
                                                 n);
  else
    adam_strided<T><<<grid_for(n), kBlock, 0, st>>>(param, exp_avg, exp_avg_sq, grad, k, step_scalars, n);
  CUDA_CHECK_LAUNCH();
}

template void adam_step<float>(View<float>, View<float>, View<float>, View<const float>, const AdamStep&,
                               const double*);
template void adam_step<double>(View<double>, View<double>, View<double>, View<const double>, const AdamStep&,
                                const double*);

}  // namespace nabla::kernels::cuda
