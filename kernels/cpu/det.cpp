// Batched slogdet and inverse by elimination with partial pivoting (see
// kernels/det.h). The CUDA kernels (kernels/cuda/det.cu) run the same
// operations in the same order, each rounded alone.
#include "kernels/det.h"
#include "kernels/cpu/loop.h"

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace nabla::kernels::cpu {

namespace {

int64_t batch_count(int ndim, const int64_t* size) {
  int64_t batch = 1;
  for (int d = 0; d < ndim - 2; ++d) batch *= size[d];
  return batch;
}

// Row of the largest |w[i][k]| for i >= k in a row-major n x cols matrix.
template <class T>
int64_t pivot_row(const T* w, int64_t n, int64_t cols, int64_t k) {
  int64_t p = k;
  T best = std::abs(w[k * cols + k]);
  for (int64_t i = k + 1; i < n; ++i)
    if (std::abs(w[i * cols + k]) > best) best = std::abs(w[i * cols + k]), p = i;
  return p;
}

template <class T>
void swap_rows(T* w, int64_t cols, int64_t r, int64_t s) {
  for (int64_t j = 0; j < cols; ++j) std::swap(w[r * cols + j], w[s * cols + j]);
}

// LU of the n x n row-major w in place: {sign, log|det|}.
template <class T>
std::pair<T, double> lu_slogdet(T* w, int64_t n) {
  T sign = 1;
  double logabs = 0;
  for (int64_t k = 0; k < n; ++k) {
    const int64_t p = pivot_row(w, n, n, k);
    const T pivot = w[p * n + k];
    if (pivot == T(0)) return {T(0), -std::numeric_limits<double>::infinity()};
    if (p != k) swap_rows(w, n, k, p), sign = -sign;
    if (pivot < T(0)) sign = -sign;
    logabs += std::log(static_cast<double>(std::abs(pivot)));
    for (int64_t i = k + 1; i < n; ++i) w[i * n + k] = w[i * n + k] / pivot;
    for (int64_t i = k + 1; i < n; ++i) {
      const T l = w[i * n + k];
      for (int64_t j = k + 1; j < n; ++j) w[i * n + j] = w[i * n + j] - static_cast<T>(l * w[k * n + j]);
    }
  }
  return {sign, logabs};
}

// Gauss-Jordan on the n x 2n row-major [a | I] in w: the right half becomes a^{-1}.
template <class T>
void gauss_jordan(T* w, int64_t n) {
  const int64_t cols = 2 * n;
  std::vector<T> factor(n);
  for (int64_t k = 0; k < n; ++k) {
    const int64_t p = pivot_row(w, n, cols, k);
    if (p != k) swap_rows(w, cols, k, p);
    const T pivot = w[k * cols + k];
    for (int64_t j = 0; j < cols; ++j) w[k * cols + j] = w[k * cols + j] / pivot;
    for (int64_t i = 0; i < n; ++i) factor[i] = w[i * cols + k];
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < cols && i != k; ++j)
        w[i * cols + j] = w[i * cols + j] - static_cast<T>(factor[i] * w[k * cols + j]);
  }
}

}  // namespace

template <class T>
void slogdet(View<T> sign, View<T> logabs, View<const T> a) {
  const int nd = a.ndim;
  const int64_t n = a.size[nd - 1], rs = a.stride[nd - 2], cs = a.stride[nd - 1];
  const int64_t batch = batch_count(nd, a.size);
#pragma omp parallel for if (batch > 1 && batch * n * n * n > (1 << 18))
  for (int64_t b = 0; b < batch; ++b) {
    const T* in = a.data + batch_offset(a, 2, b);
    std::vector<T> w(n * n);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) w[i * n + j] = in[i * rs + j * cs];
    const auto [s, l] = lu_slogdet(w.data(), n);
    sign.data[batch_offset(sign, 0, b)] = s;
    logabs.data[batch_offset(logabs, 0, b)] = static_cast<T>(l);
  }
}

template <class T>
void inverse(View<T> out, View<const T> a) {
  const int nd = a.ndim;
  const int64_t n = a.size[nd - 1], rs = a.stride[nd - 2], cs = a.stride[nd - 1];
  const int64_t ors = out.stride[nd - 2], ocs = out.stride[nd - 1];
  const int64_t batch = batch_count(nd, a.size);
#pragma omp parallel for if (batch > 1 && batch * n * n * n > (1 << 18))
  for (int64_t b = 0; b < batch; ++b) {
    const T* in = a.data + batch_offset(a, 2, b);
    std::vector<T> w(2 * n * n, T(0));
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = 0; j < n; ++j) w[i * 2 * n + j] = in[i * rs + j * cs];
      w[i * 2 * n + n + i] = T(1);
    }
    gauss_jordan(w.data(), n);
    T* o = out.data + batch_offset(out, 2, b);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) o[i * ors + j * ocs] = w[i * 2 * n + n + j];
  }
}

template void slogdet<float>(View<float>, View<float>, View<const float>);
template void slogdet<double>(View<double>, View<double>, View<const double>);
template void inverse<float>(View<float>, View<const float>);
template void inverse<double>(View<double>, View<const double>);

}  // namespace nabla::kernels::cpu
