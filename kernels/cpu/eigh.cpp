// Symmetric eigendecomposition with Eigen (see kernels/eigh.h).
#include "kernels/eigh.h"
#include "kernels/cpu/loop.h"

#include <Eigen/Eigenvalues>

namespace nabla::kernels::cpu {

namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;

}  // namespace

template <class T>
void eigh(View<T> values, View<T> vectors, View<const T> a) {
  const int nd = a.ndim;
  const int64_t n = a.size[nd - 1];
  int64_t batch = 1;
  for (int d = 0; d < nd - 2; ++d) batch *= a.size[d];
  const int64_t rs = a.stride[nd - 2], cs = a.stride[nd - 1];
  const int64_t vrs = vectors.stride[nd - 2], vcs = vectors.stride[nd - 1];
  const int64_t ws = values.stride[nd - 2];
#pragma omp parallel for if (batch > 1 && batch * n * n * n > (1 << 18))
  for (int64_t b = 0; b < batch; ++b) {
    const T* in = a.data + batch_offset(a, 2, b);
    // Always solved in double: float input gains accuracy, costs nothing here.
    Matrix m(n, n);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j <= i; ++j) m(i, j) = m(j, i) = static_cast<double>(in[i * rs + j * cs]);
    Eigen::SelfAdjointEigenSolver<Matrix> solver(m);
    T* w = values.data + batch_offset(values, 1, b);
    T* v = vectors.data + batch_offset(vectors, 2, b);
    for (int64_t i = 0; i < n; ++i) {
      w[i * ws] = static_cast<T>(solver.eigenvalues()(i));
      for (int64_t j = 0; j < n; ++j) v[i * vrs + j * vcs] = static_cast<T>(solver.eigenvectors()(i, j));
    }
  }
}

template void eigh<float>(View<float>, View<float>, View<const float>);
template void eigh<double>(View<double>, View<double>, View<const double>);

}  // namespace nabla::kernels::cpu
