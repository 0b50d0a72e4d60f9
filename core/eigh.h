#pragma once
// Eigendecomposition of symmetric matrices. No gradients (nothing in nabla
// differentiates through it yet).
#include <utility>

#include "core/tensor.h"

namespace nabla::prim {

// For a [..., n, n] (f32 or f64, symmetric: only the lower triangle is
// read): {values [..., n] ascending, vectors [..., n, n]} with
// a = vectors diag(values) vectors^T and orthonormal columns in vectors.
// CPU: Eigen's tridiagonal QR; CUDA: a Jacobi solver, one block per matrix.
// Eigenvector signs (and bases of repeated eigenvalues) differ by device.
std::pair<Tensor, Tensor> eigh(const Tensor& a);

}  // namespace nabla::prim
