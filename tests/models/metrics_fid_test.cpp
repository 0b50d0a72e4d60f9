// FID: closed forms for Gaussians given by hand, an independent Eigen
// computation through the eigenvalues of S1 S2, FID(X, X) = 0, symmetry,
// and the errors.
#include "models/metrics/fid.h"

#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <cmath>
#include <vector>

#include "autograd/nabla.h"
#include "tests/testing.h"

namespace nabla::metrics {
namespace {

Gaussian gaussian(const std::vector<double>& mean, const std::vector<double>& cov) {
  const int64_t d = static_cast<int64_t>(mean.size());
  return {tensor<double>(mean, {d}), tensor<double>(cov, {d, d})};
}

TEST(Fid, DiagonalCovariancesClosedForm) {
  // Commuting covariances: FID = |m1 - m2|^2 + sum (sqrt a_i - sqrt b_i)^2.
  const Gaussian a = gaussian({0, 0, 0}, {4, 0, 0, 0, 1, 0, 0, 0, 9});
  const Gaussian b = gaussian({1, -1, 2}, {1, 0, 0, 0, 1, 0, 0, 0, 16});
  const double expected = (1 + 1 + 4) + (1 + 0 + 1);
  EXPECT_NEAR(frechet_distance(a, b), expected, 1e-10);
}

TEST(Fid, RotatedCovarianceClosedForm) {
  // S1 = diag(4, 1); S2 = R diag(9, 1) R^T with R a 45 degree rotation =
  // [[5, 4], [4, 5]]. For a 2x2 PSD matrix A, Tr sqrt(A) = sqrt(Tr A + 2 sqrt(det A)),
  // with A = S1^1/2 S2 S1^1/2: Tr A = Tr(S1 S2) = 4*5 + 1*5 = 25 and
  // det A = det S1 det S2 = 4 * 9 = 36, so Tr sqrt(A) = sqrt(37).
  // FID = |(1, 2)|^2 + (5 + 10) - 2 sqrt(37) = 20 - 2 sqrt(37).
  const Gaussian a = gaussian({0, 0}, {4, 0, 0, 1});
  const Gaussian b = gaussian({1, 2}, {5, 4, 4, 5});
  EXPECT_NEAR(frechet_distance(a, b), 20 - 2 * std::sqrt(37.0), 1e-10);
  EXPECT_NEAR(frechet_distance(b, a), 20 - 2 * std::sqrt(37.0), 1e-10);
}

// Tr sqrt(S1^1/2 S2 S1^1/2) = sum sqrt(eig(S1 S2)): S1 S2 is similar to the
// symmetric middle matrix, so its eigenvalues are real and >= 0 (the
// non-symmetric route the implementation avoids, fine as a reference).
double reference_fid(const Eigen::MatrixXd& s1, const Eigen::MatrixXd& s2, const Eigen::VectorXd& dm) {
  Eigen::EigenSolver<Eigen::MatrixXd> solver(s1 * s2);
  double tr = 0;
  for (int i = 0; i < solver.eigenvalues().size(); ++i) tr += std::sqrt(std::max(0.0, solver.eigenvalues()(i).real()));
  return dm.squaredNorm() + s1.trace() + s2.trace() - 2 * tr;
}

Eigen::MatrixXd to_eigen(const Tensor& m) {
  const auto v = to_vector<double>(m);
  Eigen::MatrixXd out(m.size(0), m.size(1));
  for (int64_t i = 0; i < m.size(0); ++i)
    for (int64_t j = 0; j < m.size(1); ++j) out(i, j) = v[i * m.size(1) + j];
  return out;
}

TEST(Fid, MatchesEigenOnRandomFeatures) {
  Generator gen(3);
  const Tensor x = randn({200, 6}, DType::f64, &gen);
  // Correlated, shifted second set.
  const Tensor y = matmul(randn({300, 6}, DType::f64, &gen), randn({6, 6}, DType::f64, &gen)) + 0.5;
  const Gaussian gx = fit_gaussian(x), gy = fit_gaussian(y);
  const Eigen::VectorXd dm = to_eigen(reshape(gx.mean - gy.mean, {6, 1}));
  EXPECT_NEAR(fid(x, y), reference_fid(to_eigen(gx.cov), to_eigen(gy.cov), dm), 1e-8);
}

TEST(Fid, FitsMeanAndUnbiasedCovariance) {
  // Rows (1, 2), (3, 2), (2, 5): mean (2, 3); centred (-1, -1), (1, -1), (0, 2);
  // cov = [[2, 0], [0, 6]] / (3 - 1).
  const Gaussian g = fit_gaussian(tensor<float>({1, 2, 3, 2, 2, 5}, {3, 2}), {.regularise = 1e-9});
  EXPECT_TRUE(testing::allclose(g.mean, tensor<double>({2, 3}), 1e-12, 1e-12));
  EXPECT_TRUE(testing::allclose(g.cov, tensor<double>({1 + 1e-9, 0, 0, 3 + 1e-9}, {2, 2}), 1e-12, 1e-12));
  EXPECT_EQ(g.cov.dtype(), DType::f64);
}

TEST(Fid, SameFeaturesGiveZeroAndNeverNegative) {
  Generator gen(5);
  for (int64_t d : {1, 8, 32}) {
    const Tensor x = randn({400, d}, DType::f32, &gen) * 3.0 + 1.0;
    const double f = fid(x, x);
    EXPECT_GE(f, 0.0);
    EXPECT_LT(f, 1e-9) << "d = " << d;
  }
  // Nearly singular covariances (rank 2 in 16 dims, regularised): still >= 0.
  const Tensor low = matmul(randn({100, 2}, DType::f64, &gen), randn({2, 16}, DType::f64, &gen));
  const double f = fid(low, low, {.regularise = 1e-12});
  EXPECT_GE(f, 0.0);
  EXPECT_LT(f, 1e-6);
}

TEST(Fid, IsSymmetricAndGrowsWithTheShift) {
  Generator gen(9);
  const Tensor x = randn({500, 4}, DType::f64, &gen);
  const Tensor y = randn({500, 4}, DType::f64, &gen) * 2.0;
  EXPECT_NEAR(fid(x, y), fid(y, x), 1e-9 * fid(x, y));
  EXPECT_LT(fid(x, y + 0.1), fid(x, y + 1.0));
}

TEST(Fid, SamplesOfKnownGaussiansApproachTheClosedForm) {
  // 20000 draws each of N(0, diag(4, 1)) and N((1, 2), [[5, 4], [4, 5]]); the
  // second as (1, 2) + R diag(3, 1) z with R the 45 degree rotation.
  Generator gen(13);
  const Tensor a = randn({20000, 2}, DType::f64, &gen) * tensor<double>({2, 1});
  const double r = std::sqrt(0.5);
  const Tensor rs = tensor<double>({3 * r, -3 * r, r, r}, {2, 2});  // (R diag(3, 1))^T
  const Tensor b = matmul(randn({20000, 2}, DType::f64, &gen), rs) + tensor<double>({1, 2});
  EXPECT_NEAR(fid(a, b), 20 - 2 * std::sqrt(37.0), 0.25);
}

TEST(Fid, ClearErrors) {
  Generator gen(1);
  const Tensor few = randn({10, 16}, DType::f32, &gen);
  EXPECT_THROW_MESSAGE(fid(few, few), std::invalid_argument, "fid:", "10 samples of 16 features", "regularise");
  EXPECT_NO_THROW(fid(few, few, {.regularise = 1e-6}));
  EXPECT_THROW_MESSAGE(fid(randn({50, 3}, DType::f32, &gen), randn({50, 4}, DType::f32, &gen)), std::invalid_argument,
                       "fid:", "feature dims differ");
  EXPECT_THROW_MESSAGE(fid(randn({50}, DType::f32, &gen), randn({50}, DType::f32, &gen)), std::invalid_argument,
                       "fid:", "[N, D]");
  EXPECT_THROW_MESSAGE(frechet_distance(gaussian({0}, {1}), gaussian({0, 0}, {1, 0, 0, 1})), std::invalid_argument,
                       "frechet_distance", "differ");
}

}  // namespace
}  // namespace nabla::metrics
