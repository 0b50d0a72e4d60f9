#include "models/flow/conv1x1.h"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <utility>

#include "autograd/det.h"
#include "autograd/nabla.h"

namespace nabla::flow {

namespace {

struct Lu {
  std::vector<double> p, l, u;  // A = P L U, row-major n x n
};

// Doolittle with partial pivoting: rows of A are permuted so that perm A = L U,
// hence A = P L U with P = perm^T.
Lu lu_decompose(std::vector<double> a, int64_t n) {
  std::vector<int64_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t pivot = k;
    for (int64_t i = k + 1; i < n; ++i)
      if (std::abs(a[i * n + k]) > std::abs(a[pivot * n + k])) pivot = i;
    if (a[pivot * n + k] == 0) throw std::invalid_argument("InvertibleConv1x1: singular initial matrix");
    for (int64_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[pivot * n + j]);
    std::swap(rows[k], rows[pivot]);
    for (int64_t i = k + 1; i < n; ++i) {
      a[i * n + k] /= a[k * n + k];
      for (int64_t j = k + 1; j < n; ++j) a[i * n + j] -= a[i * n + k] * a[k * n + j];
    }
  }
  Lu r{std::vector<double>(n * n, 0.0), std::vector<double>(n * n, 0.0), std::vector<double>(n * n, 0.0)};
  for (int64_t i = 0; i < n; ++i) {
    r.p[rows[i] * n + i] = 1;  // P = perm^T: column i of P is e_{rows[i]}
    for (int64_t j = 0; j < n; ++j) (j < i ? r.l : r.u)[i * n + j] = a[i * n + j];
  }
  return r;
}

Tensor triangle_mask(int64_t n, bool lower) {
  std::vector<double> m(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) m[i * n + j] = (lower ? j < i : j > i) ? 1.0 : 0.0;
  return nabla::to(tensor(m, {n, n}), DType::f32);
}

}  // namespace

std::vector<double> random_rotation(int64_t n, Generator* gen) {
  std::vector<double> a = to_vector<double>(randn({n, n}, DType::f64, gen));
  for (int64_t i = 0; i < n; ++i) {  // rows orthonormalised in turn
    for (int64_t k = 0; k < i; ++k) {
      double dot = 0;
      for (int64_t j = 0; j < n; ++j) dot += a[i * n + j] * a[k * n + j];
      for (int64_t j = 0; j < n; ++j) a[i * n + j] -= dot * a[k * n + j];
    }
    double norm = 0;
    for (int64_t j = 0; j < n; ++j) norm += a[i * n + j] * a[i * n + j];
    norm = std::sqrt(norm);
    for (int64_t j = 0; j < n; ++j) a[i * n + j] /= norm;
  }
  return a;
}

InvertibleConv1x1::InvertibleConv1x1(int64_t channels, Generator* gen, Conv1x1Param param)
    : param(param), channels_(channels) {
  const int64_t n = channels;
  const std::vector<double> rotation = random_rotation(n, gen);
  if (param == Conv1x1Param::direct) {
    register_parameter("weight", nabla::to(tensor(rotation, {n, n}), DType::f32));
    return;
  }
  const Lu lu = lu_decompose(rotation, n);
  std::vector<double> sign(n), log_s(n);
  for (int64_t i = 0; i < n; ++i) {
    const double d = lu.u[i * n + i];
    sign[i] = d < 0 ? -1.0 : 1.0;
    log_s[i] = std::log(std::abs(d));
  }
  std::vector<double> upper = lu.u;
  for (int64_t i = 0; i < n; ++i) upper[i * n + i] = 0;
  register_parameter("lower", nabla::to(tensor(lu.l, {n, n}), DType::f32));
  register_parameter("upper", nabla::to(tensor(upper, {n, n}), DType::f32));
  register_parameter("log_s", nabla::to(tensor(log_s, {n}), DType::f32));
  register_buffer("perm", nabla::to(tensor(lu.p, {n, n}), DType::f32));
  register_buffer("sign_s", nabla::to(tensor(sign, {n}), DType::f32));
  register_buffer("lower_mask", triangle_mask(n, true), false);
  register_buffer("upper_mask", triangle_mask(n, false), false);
}

Tensor InvertibleConv1x1::weight() const {
  if (param == Conv1x1Param::direct) return get("weight");
  const Tensor& eye_like = get("perm");
  const Tensor id = nabla::to(eye(channels_), eye_like.dtype());
  const Tensor l = get("lower") * get("lower_mask") + id;
  const Tensor diag = id * reshape(get("sign_s") * exp(get("log_s")), {1, channels_});
  const Tensor u = get("upper") * get("upper_mask") + diag;
  return matmul(get("perm"), matmul(l, u));
}

Tensor InvertibleConv1x1::log_abs_det() const {
  return param == Conv1x1Param::direct ? slogdet(get("weight")).second : sum(get("log_s"));
}

FlowOut InvertibleConv1x1::transform(const Tensor& x) {
  if (x.dim() != 4 || x.size(1) != channels_)
    throw std::invalid_argument("InvertibleConv1x1: expected [N, " + std::to_string(channels_) + ", H, W], got " +
                                describe(x));
  const Tensor w = reshape(weight(), {channels_, channels_, 1, 1});
  const double hw = static_cast<double>(x.size(2) * x.size(3));
  const Tensor logdet = expand(reshape(hw * log_abs_det(), {1}), {x.size(0)});
  return {conv2d(x, w), logdet};
}

Tensor InvertibleConv1x1::inverse(const Tensor& z) {
  NoGradGuard no_grad;
  const Tensor w_inv = nabla::to(inv(nabla::to(weight(), DType::f64)), z.dtype());
  const Tensor w = reshape(w_inv, {channels_, channels_, 1, 1});
  return conv2d(z, w);
}

}  // namespace nabla::flow
