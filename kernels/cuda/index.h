#pragma once
// CUDA indexing kernels (kernels/cuda/index.cu), the contract of
// kernels/index.h. Indices must already be in range: the front-ends check
// them on a host copy first. Every CPU dtype: f32, f64, i64, u8 and bool
// (scatter_add: the number dtypes).
#include <cstdint>

#include "kernels/view.h"

namespace nabla::kernels::cuda {
// out[i] = in[i with coordinate `dim` replaced by index[i]].
template <class T>
void gather(View<T> out, View<const T> in, int dim, View<const int64_t> index);
// out[i with coordinate `dim` replaced by index[i]] += src[i]. Deterministic:
// one thread per line along `dim` sums that line in order (as the CPU does),
// so every output element is written by exactly one thread.
template <class T>
void scatter_add(View<T> out, int dim, View<const int64_t> index, View<const T> src);
// out[i] = in[i with the coordinates in the bit mask `dims` reversed].
template <class T>
void flip(View<T> out, View<const T> in, uint32_t dims);
// out[..., index[...]] = 1; the caller zeroes out first.
template <class T>
void one_hot(View<T> out, View<const int64_t> index);
}  // namespace nabla::kernels::cuda
