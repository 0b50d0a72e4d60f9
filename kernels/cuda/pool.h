#pragma once
// CUDA pooling and nearest upsampling (kernels/cuda/pool.cu), the contract of
// kernels/pool.h over [N, C, H, W] views. Forward kernels: one thread per
// output element. Backward kernels never scatter with atomics: avg and
// upsample give each input pixel a thread that gathers its outputs in the
// CPU's order; max_pool2d_backward (indices only, no window) gives each
// (n, c) plane a thread running the CPU's loop. float and double.
#include <cstdint>

#include "kernels/pool.h"

namespace nabla::kernels::cuda {
template <class T>
void max_pool2d(View<T> out, View<int64_t> indices, View<const T> in, const Pool2d& p);
template <class T>
void max_pool2d_backward(View<T> grad_in, View<const T> g, View<const int64_t> indices);
template <class T>
void max_pool2d_gather(View<T> out, View<const T> x, View<const int64_t> indices);
template <class T>
void avg_pool2d(View<T> out, View<const T> in, const Pool2d& p);
template <class T>
void avg_pool2d_backward(View<T> grad_in, View<const T> g, const Pool2d& p);
template <class T>
void upsample_nearest2d(View<T> out, View<const T> in);
template <class T>
void upsample_nearest2d_backward(View<T> grad_in, View<const T> g);
}  // namespace nabla::kernels::cuda
