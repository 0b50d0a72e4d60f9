// The Jacobian spectrum against independent computations: Eigen's JacobiSVD
// on random and ill-conditioned matrices, linear generators with known
// singular values (both the jvp and the vjp path), and nabla::jacobian on a
// nonlinear generator.
#include "models/metrics/jacobian.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <Eigen/SVD>
#include <cmath>
#include <filesystem>
#include <vector>

#include "autograd/nabla.h"
#include "tests/models/data_testing.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

Tensor from_eigen(const Eigen::MatrixXd& a) {
  std::vector<double> v;
  for (int i = 0; i < a.rows(); ++i)
    for (int j = 0; j < a.cols(); ++j) v.push_back(a(i, j));
  return tensor<double>(v, {a.rows(), a.cols()});
}

Eigen::MatrixXd random_orthogonal(int n, unsigned seed) {
  std::srand(seed);
  const Eigen::MatrixXd r = Eigen::MatrixXd::Random(n, n);
  return Eigen::HouseholderQR<Eigen::MatrixXd>(r).householderQ();
}

// U diag(s) V^T, [m, k], with the given singular values.
Eigen::MatrixXd with_singular_values(int m, int k, const std::vector<double>& s, unsigned seed) {
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(m, k);
  for (size_t i = 0; i < s.size(); ++i) d(static_cast<int>(i), static_cast<int>(i)) = s[i];
  return random_orthogonal(m, seed) * d * random_orthogonal(k, seed + 1).transpose();
}

Eigen::VectorXd eigen_singular_values(const Eigen::MatrixXd& a) { return Eigen::JacobiSVD<Eigen::MatrixXd>(a).singularValues(); }

// Each row of singular_values(batch of one matrix) against JacobiSVD, relative.
void expect_matches_eigen(const Eigen::MatrixXd& a, double rtol) {
  const Tensor s = singular_values(reshape(from_eigen(a), {1, a.rows(), a.cols()}));
  const Eigen::VectorXd ref = eigen_singular_values(a);
  ASSERT_EQ(s.size(1), ref.size());
  const auto got = to_vector<double>(s);
  for (int i = 0; i < ref.size(); ++i) EXPECT_NEAR(got[i], ref(i), rtol * ref(i)) << "singular value " << i;
}

TEST(JacobianSpectrum, SingularValuesMatchEigenOnRandomMatrices) {
  std::srand(5);
  expect_matches_eigen(Eigen::MatrixXd::Random(7, 4), 1e-10);
  expect_matches_eigen(Eigen::MatrixXd::Random(3, 6), 1e-10);  // wide: J J^T
  expect_matches_eigen(Eigen::MatrixXd::Random(5, 5), 1e-9);
}

TEST(JacobianSpectrum, SingularValuesMatchEigenOnIllConditionedMatrices) {
  // Condition number 1e5 (1e10 for J^T J): the Gram matrix keeps 6 digits.
  const std::vector<double> s = {3, 1, 1e-2, 1e-4, 3e-5};
  const Eigen::MatrixXd a = with_singular_values(8, 5, s, 11);
  expect_matches_eigen(a, 1e-5);
  const auto got = to_vector<double>(singular_values(reshape(from_eigen(a), {1, 8, 5})));
  for (size_t i = 0; i < s.size(); ++i) EXPECT_NEAR(got[i], s[i], 1e-5 * s[i]);
}

// A linear generator z -> z A^T gives back A's singular values, on both paths.
void check_linear_generator(int m, int k, const std::vector<double>& s) {
  const Eigen::MatrixXd a = with_singular_values(m, k, s, 3);
  const Tensor w = from_eigen(a);
  Generator gen(2);
  const Tensor z = randn({4, k}, DType::f64, &gen);
  const LatentFn g = [&](const Tensor& x) { return matmul(x, t(w)); };
  const Tensor j = generator_jacobian(g, z);
  EXPECT_EQ(j.shape(), (Shape{4, m, k}));
  for (int64_t i = 0; i < 4; ++i) EXPECT_TRUE(testing::allclose(select(j, 0, i), w, 1e-12, 1e-12)) << i;
  const JacobianSpectrum spectrum = jacobian_spectrum(g, z);
  const auto got = to_vector<double>(select(spectrum.singular_values, 0, 2));
  ASSERT_EQ(got.size(), s.size());
  for (size_t i = 0; i < s.size(); ++i) EXPECT_NEAR(got[i], s[i], 1e-9 * s[i]);
  const double expected = 2 * std::log(s.front() / s.back());
  EXPECT_NEAR(spectrum.mean_log_condition, expected, 1e-8);
  EXPECT_NEAR(spectrum.mean_log_smax, std::log(s.front()), 1e-9);
  EXPECT_NEAR(spectrum_scores(spectrum).at("jac_logcond_std"), 0.0, 1e-8);
}

TEST(JacobianSpectrum, LinearGeneratorGivesBackItsSingularValues) {
  check_linear_generator(6, 3, {5, 2, 0.1});          // k <= m: columns by jvp
  check_linear_generator(2, 5, {4, 0.5});             // m < k: rows by vjp
}

TEST(JacobianSpectrum, NonlinearGeneratorMatchesFullJacobian) {
  Generator gen(4);
  const Tensor w1 = randn({6, 3}, DType::f64, &gen), w2 = randn({8, 6}, DType::f64, &gen);
  // Per-sample: tanh(z W1^T) W2^T, reshaped to an image-like [N, 2, 4].
  const LatentFn g = [&](const Tensor& x) { return reshape(matmul(tanh(matmul(x, t(w1))), t(w2)), {-1, 2, 4}); };
  const Tensor z = randn({3, 3}, DType::f64, &gen);
  const Tensor j = generator_jacobian(g, z);
  for (int64_t i = 0; i < 3; ++i) {
    const Tensor zi = select(z, 0, i);
    const Tensor full = jacobian([&](const Tensor& x) { return reshape(g(reshape(x, {1, 3})), {8}); }, zi);
    EXPECT_TRUE(testing::allclose(select(j, 0, i), full, 1e-10, 1e-10)) << i;
    const Eigen::VectorXd ref = eigen_singular_values(
        Eigen::Map<const Eigen::Matrix<double, 8, 3, Eigen::RowMajor>>(to_vector<double>(full).data()));
    const auto got = to_vector<double>(select(singular_values(j), 0, i));
    for (int r = 0; r < 3; ++r) EXPECT_NEAR(got[r], ref(r), 1e-9 * ref(r));
  }
}

TEST(JacobianSpectrum, ChecksShapes) {
  EXPECT_THROW_MESSAGE(singular_values(zeros({3, 3})), std::invalid_argument, "singular_values", "[N, m, k]");
  EXPECT_THROW_MESSAGE(generator_jacobian([](const Tensor& x) { return x; }, zeros({3})), std::invalid_argument,
                       "generator_jacobian");
}

TEST(JacobianSpectrum, PlotNeedsLoggedValues) {
  const data::testing::TempDir dir;
  const std::string path = dir.file("jac.png");
  io::Metrics m;
  m.records.push_back({10, 0, {{"loss_g", 1.0}}});
  EXPECT_FALSE(plot_jacobian_spectrum(m, path, "t"));
  EXPECT_FALSE(std::filesystem::exists(path));
  m.records.push_back({20, 0, {{"jac_logcond", 3.0}, {"jac_log_smax", 1.0}, {"jac_log_smin", -0.5}}});
  m.records.push_back({30, 0, {{"jac_logcond", 2.0}, {"jac_log_smax", 0.8}, {"jac_log_smin", -0.2}}});
  EXPECT_TRUE(plot_jacobian_spectrum(m, path, "t"));
  EXPECT_GT(std::filesystem::file_size(path), 1000u);
}

}  // namespace
}  // namespace nabla::metrics
