#pragma once
// Batched determinants and inverses of square matrices on strided views, by
// Gaussian elimination with partial pivoting (the row of largest |a[i][k]|,
// the first on ties), one matrix at a time (one OpenMP iteration each on the
// CPU, one thread block each on CUDA: kernels/cuda/det.h).
//
// slogdet: for a[..., n, n], sign[...] and logabs[...] with
// det a = sign * exp(logabs): sign is +-1, or 0 with logabs = -inf when a
// pivot is exactly zero (a singular matrix). LU in T, the log sum in double.
// inverse: out[..., n, n] = a^{-1} by Gauss-Jordan on [a | I]; a singular
// matrix gives non-finite entries. n = 0 gives sign 1, logabs 0.
#include "kernels/view.h"

namespace nabla::kernels::cpu {

template <class T>
void slogdet(View<T> sign, View<T> logabs, View<const T> a);
template <class T>
void inverse(View<T> out, View<const T> a);

}  // namespace nabla::kernels::cpu
