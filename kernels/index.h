#pragma once
// Indexing kernels: gather / scatter-add along one dim, flip, one-hot, and the
// index check the front-ends run first. Front-ends express index_select and
// index_add as gather / scatter_add with a broadcast (stride-0) index, and
// cat / pad (constant) as copies into slices of the output.
#include <cstdint>

#include "kernels/view.h"

namespace nabla::kernels::cpu {

// The first entry of `index` (row-major order) outside [0, size) in *bad;
// false when every entry is in range.
bool find_out_of_range(View<const int64_t> index, int64_t size, int64_t* bad);

// out[i] = in[i with coordinate `dim` replaced by index[i]].
// out and index have the same sizes; in has at least those sizes in every dim
// but `dim`. Indices must be in range (see find_out_of_range).
template <class T>
void gather(View<T> out, View<const T> in, int dim, View<const int64_t> index);

// out[i with coordinate `dim` replaced by index[i]] += src[i] (accumulates).
// index and src have the same sizes; out has at least those sizes in every dim
// but `dim`. Deterministic: the lines along `dim` are split across threads and
// each is summed in order, so every output element is written by one thread.
template <class T>
void scatter_add(View<T> out, int dim, View<const int64_t> index, View<const T> src);

// out[i] = in[i with the coordinates in `flip` (a bit mask of dims) reversed].
template <class T>
void flip(View<T> out, View<const T> in, uint32_t dims);

// out[..., index[...]] = 1 (overwrites only those entries; the caller zeroes
// out first). out has index's sizes plus a trailing class dim.
template <class T>
void one_hot(View<T> out, View<const int64_t> index);

}  // namespace nabla::kernels::cpu
