// LU-based determinants and inverses with Eigen (see kernels/det.h).
#include "kernels/det.h"

#include <cmath>
#include <limits>

#include <Eigen/LU>

namespace nabla::kernels::cpu {

namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;

// Offset of batch entry b in a view whose last `tail` dims are the matrix.
template <class T>
int64_t batch_offset(const View<T>& v, int tail, int64_t b) {
  int64_t offset = 0;
  for (int d = v.ndim - tail - 1; d >= 0; --d) {
    offset += (b % v.size[d]) * v.stride[d];
    b /= v.size[d];
  }
  return offset;
}

template <class T>
int64_t batch_count(const View<T>& a) {
  int64_t batch = 1;
  for (int d = 0; d < a.ndim - 2; ++d) batch *= a.size[d];
  return batch;
}

template <class T>
Matrix load(const View<const T>& a, int64_t b) {
  const int nd = a.ndim;
  const int64_t n = a.size[nd - 1], rs = a.stride[nd - 2], cs = a.stride[nd - 1];
  const T* in = a.data + batch_offset(a, 2, b);
  Matrix m(n, n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) m(i, j) = static_cast<double>(in[i * rs + j * cs]);
  return m;
}

}  // namespace

template <class T>
void slogdet(View<T> sign, View<T> logabsdet, View<const T> a) {
  const int64_t n = a.size[a.ndim - 1], batch = batch_count(a);
#pragma omp parallel for if (batch > 1 && batch * n * n * n > (1 << 18))
  for (int64_t b = 0; b < batch; ++b) {
    const Eigen::PartialPivLU<Matrix> lu(load(a, b));
    const Matrix& f = lu.matrixLU();
    // det P = (-1)^(number of row swaps) = lu.permutationP().determinant().
    double s = lu.permutationP().determinant(), log_abs = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double u = f(i, i);
      if (u == 0) {
        s = 0;
        log_abs = -std::numeric_limits<double>::infinity();
        break;
      }
      if (u < 0) s = -s;
      log_abs += std::log(std::abs(u));
    }
    sign.data[batch_offset(sign, 0, b)] = static_cast<T>(s);
    logabsdet.data[batch_offset(logabsdet, 0, b)] = static_cast<T>(log_abs);
  }
}

template <class T>
bool inverse(View<T> out, View<const T> a) {
  const int nd = a.ndim;
  const int64_t n = a.size[nd - 1], batch = batch_count(a);
  const int64_t rs = out.stride[nd - 2], cs = out.stride[nd - 1];
  bool ok = true;
#pragma omp parallel for reduction(&& : ok) if (batch > 1 && batch * n * n * n > (1 << 18))
  for (int64_t b = 0; b < batch; ++b) {
    const Eigen::PartialPivLU<Matrix> lu(load(a, b));
    bool regular = true;
    for (int64_t i = 0; i < n; ++i) regular = regular && lu.matrixLU()(i, i) != 0;
    ok = ok && regular;
    if (!regular) continue;
    const Matrix inv = lu.inverse();
    T* o = out.data + batch_offset(out, 2, b);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) o[i * rs + j * cs] = static_cast<T>(inv(i, j));
  }
  return ok;
}

template void slogdet<float>(View<float>, View<float>, View<const float>);
template void slogdet<double>(View<double>, View<double>, View<const double>);
template bool inverse<float>(View<float>, View<const float>);
template bool inverse<double>(View<double>, View<const double>);

}  // namespace nabla::kernels::cpu
