#pragma once
// Eigendecomposition of symmetric matrices on strided views.
//
// eigh: for every index of the leading (batch) dims, a[..., n, n] (only its
// lower triangle is read) = vectors diag(values) vectors^T, with values[..., n]
// in ascending order and the orthonormal eigenvectors in the columns of
// vectors[..., n, n]. Eigen's SelfAdjointEigenSolver (Householder
// tridiagonalisation, then implicit symmetric QR), one matrix per OpenMP
// iteration: results do not depend on the number of threads.
#include "kernels/view.h"

namespace nabla::kernels::cpu {

template <class T>
void eigh(View<T> values, View<T> vectors, View<const T> a);

}  // namespace nabla::kernels::cpu
