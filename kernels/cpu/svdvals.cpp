// One-sided Jacobi singular values (see kernels/svdvals.h), one matrix per
// OpenMP iteration.
#include "kernels/svdvals.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

namespace nabla::kernels::cpu {

namespace {

template <class T>
int64_t batch_offset(const View<T>& v, int tail, int64_t b) {
  int64_t offset = 0;
  for (int d = v.ndim - tail - 1; d >= 0; --d) {
    offset += (b % v.size[d]) * v.stride[d];
    b /= v.size[d];
  }
  return offset;
}

// Rotates vectors x and y (length n) so that they become orthogonal, unless
// they already are to working precision; returns whether it rotated.
bool rotate_pair(double* x, double* y, int64_t n, double tol) {
  double alpha = 0, beta = 0, gamma = 0;
  for (int64_t i = 0; i < n; ++i) alpha += x[i] * x[i], beta += y[i] * y[i], gamma += x[i] * y[i];
  if (gamma == 0 || std::abs(gamma) <= tol * std::sqrt(alpha * beta)) return false;
  // The rotation that diagonalises [[alpha, gamma], [gamma, beta]]
  // (Golub & Van Loan, sym.schur2): t = tan(theta), the smaller root.
  const double zeta = (beta - alpha) / (2 * gamma);
  const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::abs(zeta) + std::hypot(1.0, zeta));
  const double c = 1 / std::sqrt(1 + t * t), s = c * t;
  for (int64_t i = 0; i < n; ++i) {
    const double xi = x[i], yi = y[i];
    x[i] = c * xi - s * yi;
    y[i] = s * xi + c * yi;
  }
  return true;
}

// w holds r vectors of length n, vector-major; orthogonalises them.
void jacobi(double* w, int r, int64_t n) {
  if (r < 2) return;
  const int players = r + r % 2;
  const double tol = jacobi_tolerance(n);
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    bool rotated = false;
    for (int round = 0; round < players - 1; ++round)
      for (int k = 0; k < players / 2; ++k) {
        int p, q;
        round_robin_pair(round, k, players, p, q);
        if (q < r && rotate_pair(w + p * n, w + q * n, n, tol)) rotated = true;
      }
    if (!rotated) return;
  }
}

}  // namespace

template <class T>
void svdvals(View<T> s, View<const T> a) {
  const int nd = a.ndim;
  const int64_t m = a.size[nd - 2], k = a.size[nd - 1];
  const bool columns = k <= m;
  const int r = static_cast<int>(columns ? k : m);
  const int64_t n = columns ? m : k;
  // Element i of vector j at j * vs + i * es in a.
  const int64_t vs = columns ? a.stride[nd - 1] : a.stride[nd - 2];
  const int64_t es = columns ? a.stride[nd - 2] : a.stride[nd - 1];
  const int64_t ss = s.stride[nd - 2];
  int64_t batch = 1;
  for (int d = 0; d < nd - 2; ++d) batch *= a.size[d];
#pragma omp parallel for if (batch > 1 && batch * r * r * n > (1 << 16))
  for (int64_t b = 0; b < batch; ++b) {
    const T* in = a.data + batch_offset(a, 2, b);
    std::vector<double> w(static_cast<size_t>(r) * n);
    for (int j = 0; j < r; ++j)
      for (int64_t i = 0; i < n; ++i) w[j * n + i] = in[j * vs + i * es];
    jacobi(w.data(), r, n);
    std::vector<double> norms(r);
    for (int j = 0; j < r; ++j) {
      double sum = 0;
      for (int64_t i = 0; i < n; ++i) sum += w[j * n + i] * w[j * n + i];
      norms[j] = std::sqrt(sum);
    }
    std::sort(norms.begin(), norms.end(), std::greater<double>());
    T* out = s.data + batch_offset(s, 1, b);
    for (int j = 0; j < r; ++j) out[j * ss] = static_cast<T>(norms[j]);
  }
}

template void svdvals<float>(View<float>, View<const float>);
template void svdvals<double>(View<double>, View<const double>);

}  // namespace nabla::kernels::cpu
