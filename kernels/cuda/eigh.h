#pragma once
// CUDA symmetric eigendecomposition (kernels/cuda/eigh.cu), the contract of
// kernels::cpu::eigh (kernels/eigh.h): values ascending, orthonormal
// eigenvectors in the columns, only the lower triangle of a read, solved in
// double. A batched parallel cyclic Jacobi solver, one block per matrix
// (kernels/cuda/jacobi_steps.h). Eigenvector signs are not normalised (nor
// are they on the CPU): compare reconstructions, not raw vectors. Meant for
// small and medium n: one block does O(n^3) work per sweep. float, double.
#include "kernels/view.h"

namespace nabla::kernels::cuda {
template <class T>
void eigh(View<T> values, View<T> vectors, View<const T> a);
}  // namespace nabla::kernels::cuda
