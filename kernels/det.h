#pragma once
// Determinants and inverses of square matrices on strided views.
//
// For every index of the leading (batch) dims of a[..., n, n], an LU
// factorisation with partial pivoting (Eigen's PartialPivLU, in double for
// both element types): P a = L U, det a = det(P) prod_i U_ii.
//
// slogdet: sign[...] in {-1, 0, 1} and logabsdet[...] = log|det a|
// (-inf and sign 0 for a singular matrix: a zero pivot).
// inverse: out[..., n, n] = a^-1; returns false (out unspecified) when some
// matrix is singular.
// One matrix per OpenMP iteration: results do not depend on the number of
// threads.
#include "kernels/view.h"

namespace nabla::kernels::cpu {

template <class T>
void slogdet(View<T> sign, View<T> logabsdet, View<const T> a);
template <class T>
bool inverse(View<T> out, View<const T> a);

}  // namespace nabla::kernels::cpu
