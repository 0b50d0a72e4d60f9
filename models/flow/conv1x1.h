#pragma once
// Glow's invertible 1x1 convolution (Kingma & Dhariwal 2018, sec. 3.2) in the
// LU parametrisation (eq. 10): W = P L (U + diag(sign_s * exp(log_s))) with P
// a fixed permutation, L unit lower triangular and U strictly upper
// triangular (both kept as full matrices and masked by multiplication), so
// log|det W| = sum(log_s) and the log-determinant of the layer on
// [N, C, H, W] is H W sum(log_s). Initialised from the LU decomposition of a
// random rotation drawn from gen.
//
// Conv1x1Param::direct keeps W itself as the parameter (Glow's "direct"
// variant, sec. 3.2 before eq. 10) and computes log|det W| from it at every
// call: an LU factorisation with partial pivoting of the C x C matrix
// (the log|det| of nabla::slogdet, whose gradient is W^-T). O(C^3) per call against the LU
// parametrisation's O(C), but W moves freely. Both start from the same
// rotation for the same gen.
#include <cstdint>
#include <vector>

#include "core/random.h"
#include "models/flow/flow.h"

namespace nabla::flow {

enum class Conv1x1Param { lu, direct };

class InvertibleConv1x1 : public FlowLayer {
 public:
  InvertibleConv1x1(int64_t channels, Generator* gen, Conv1x1Param param = Conv1x1Param::lu);
  FlowOut transform(const Tensor& x) override;
  // Uses W^-1 computed by Gauss-Jordan elimination in double (no gradient).
  Tensor inverse(const Tensor& z) override;
  std::string type_name() const override { return "InvertibleConv1x1"; }
  // W [C, C] from the parameters (differentiable).
  Tensor weight() const;
  // log|det W| (0-d, differentiable): sum(log_s) or from the LU of W.
  Tensor log_abs_det() const;

  const Conv1x1Param param;

 private:
  int64_t channels_;
};

// A plain helper, exposed for the tests: a random rotation [n x n] (Gram-
// Schmidt of a Gaussian matrix), row-major.
std::vector<double> random_rotation(int64_t n, Generator* gen);

}  // namespace nabla::flow
