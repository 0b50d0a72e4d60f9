// One-sided Jacobi singular values (see kernels/svdvals.h), one matrix per
// OpenMP iteration; a tall matrix (n > r) goes through a QR first and the
// rotations run on its r x r triangle (the CUDA kernel rotates the n-long
// vectors themselves: the same values up to rounding).
#include "kernels/svdvals.h"
#include "kernels/cpu/loop.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#include <Eigen/QR>

namespace nabla::kernels::cpu {

namespace {

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

// A = Q R (Householder, A the n x r column-major matrix in w): replaces w
// by R's r columns of length r, which have A's singular values. Jacobi on R
// keeps its relative accuracy (Drmac & Veselic 2008, "New fast and accurate
// Jacobi SVD algorithm I", sec. 3) and costs r^2 per rotation instead of r n.
int64_t precondition(std::vector<double>& w, int r, int64_t n) {
  const Eigen::Map<const Eigen::MatrixXd> a(w.data(), n, r);
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  const Eigen::MatrixXd upper = qr.matrixQR().topRows(r).triangularView<Eigen::Upper>();
  w.assign(upper.data(), upper.data() + static_cast<size_t>(r) * r);
  return r;
}

}  // namespace

template <class T>
void svdvals(View<T> s, View<const T> a) {
  const SvdShape shape = svd_shape(a);
  const int r = shape.r;
  const int64_t n = shape.n, vs = shape.vector_stride, es = shape.element_stride, batch = shape.batch;
  const int64_t ss = s.stride[s.ndim - 1];
#pragma omp parallel for if (batch > 1 && batch * r * r * n > (1 << 16))
  for (int64_t b = 0; b < batch; ++b) {
    const T* in = a.data + batch_offset(a, 2, b);
    std::vector<double> w(static_cast<size_t>(r) * n);
    for (int j = 0; j < r; ++j)
      for (int64_t i = 0; i < n; ++i) w[j * n + i] = in[j * vs + i * es];
    const int64_t len = n > r ? precondition(w, r, n) : n;
    jacobi(w.data(), r, len);
    std::vector<double> norms(r);
    for (int j = 0; j < r; ++j) {
      double sum = 0;
      for (int64_t i = 0; i < len; ++i) sum += w[j * len + i] * w[j * len + i];
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
