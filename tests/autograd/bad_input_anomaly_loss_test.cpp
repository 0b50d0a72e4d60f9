// The bad-input catalogue (TESTING.md): a loss that goes non-finite in
// anomaly mode names the loss op; without anomaly mode the value is returned.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "autograd/anomaly.h"
#include "autograd/elementwise.h"
#include "autograd/loss.h"
#include "tests/testing.h"

namespace nabla {
namespace {

TEST(BadInputAnomaly, InfiniteLogitGivesALossThatNamesItsOp) {
  const double inf = std::numeric_limits<double>::infinity();
  Tensor logits = tensor<double>({0.5, inf}).requires_grad_();
  const Tensor targets = tensor<double>({1.0, 0.0});
  {
    AnomalyGuard anomaly;
    EXPECT_THROW_MESSAGE(binary_cross_entropy_with_logits(logits, targets), std::runtime_error,
                         "op 'binary_cross_entropy_with_logits' produced NaN/Inf", "(forward)");
  }
  EXPECT_FALSE(std::isfinite(binary_cross_entropy_with_logits(logits, targets).item()));
}

TEST(BadInputAnomaly, NaNIsBlamedOnTheFirstOpThatOutputsIt) {
  Tensor x = tensor<double>({1.0, std::nan("")}).requires_grad_();
  AnomalyGuard anomaly;
  // mse_loss is composite: its first op, sub, is the first to output the NaN.
  EXPECT_THROW_MESSAGE(mse_loss(x, tensor<double>({0.0, 0.0})), std::runtime_error, "op 'sub' produced NaN/Inf",
                       "made by leaf f64[2] -> sub");
  // Upstream of the loss, the op that first carries the NaN is named.
  EXPECT_THROW_MESSAGE(mse_loss(x * 2.0, tensor<double>({0.0, 0.0})), std::runtime_error,
                       "op 'mul' produced NaN/Inf", "made by leaf f64[2] -> mul");
}

}  // namespace
}  // namespace nabla
