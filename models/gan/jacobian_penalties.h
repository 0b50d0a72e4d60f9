#pragma once
// Regularisers of the generator's Jacobian J = dG(z)/dz, added to G's loss.
#include <cstdint>
#include <functional>

#include "core/random.h"
#include "core/tensor.h"

namespace nabla::gan {

using GeneratorFn = std::function<Tensor(const Tensor&)>;

struct JacobianClamping {
  double eps = 1;          // ||delta||
  double lambda_min = 1;
  double lambda_max = 20;
};

struct ClampingResult {
  Tensor penalty;   // 0-d, differentiable with respect to g's parameters
  Tensor q;         // [N] detached: the per-sample Q
};

// Jacobian clamping (Odena et al. 2018, Algorithm 1): delta = eps * d / ||d||
// with d ~ N(0, I) per sample (from gen), Q = ||G(z) - G(z + delta)|| / eps
// (norms over each sample's values), penalty = mean over the batch of
// (max(Q, lambda_max) - lambda_max)^2 + (min(Q, lambda_min) - lambda_min)^2.
// fake = g(z) is passed in so that the generator's own batch is reused.
ClampingResult jacobian_clamping(const GeneratorFn& g, const Tensor& z, const Tensor& fake,
                                 const JacobianClamping& options, Generator& gen);

// The per-sample products J v_i for tangents v [N, k] (J at each z of the
// batch), [N, ...] like g(z), differentiable with respect to g's parameters
// (create_graph). One reverse pass gives J^T u for a dummy u, a second the
// derivative in u along v (the double-vjp trick of nabla::jvp, kept on the
// graph); `jt_u` and `u` from jvp_setup are shared by every tangent.
struct JvpGraph {
  Tensor jt_u;  // J^T u [N, k]
  Tensor u;     // the dummy cotangent, shaped like g(z)
};
JvpGraph jvp_setup(const GeneratorFn& g, const Tensor& z);
Tensor jvp_on_graph(const JvpGraph& graph, const Tensor& v);

// Tangent orthonormality (after Qi et al.'s localized GAN, applied to a global
// G): with `directions` random v_1..v_d ~ N(0, I / k) per sample,
// mean over the batch of sum_ij (<J v_i, J v_j> - <v_i, v_j>)^2 / d^2
// = ||V^T (J^T J - I) V||_F^2 / d^2, zero for every V exactly when
// J^T J = I (orthonormal tangent vectors). Differentiable (third-order
// derivatives through the double vjp).
Tensor tangent_orthonormality(const GeneratorFn& g, const Tensor& z, int64_t directions, Generator& gen);

}  // namespace nabla::gan
