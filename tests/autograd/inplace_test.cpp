#include "autograd/inplace.h"

#include "tests/testing.h"

namespace nabla {
namespace {

TEST(InPlace, RefusesTensorsThatRequireGradUnderGradMode) {
  Tensor w = ones({2}).requires_grad_();
  EXPECT_THROW(add_(w, ones({2})), std::invalid_argument);
  NoGradGuard guard;
  add_(w, full({2}, 2.0), 0.5);
  EXPECT_EQ(to_vector<float>(w), (std::vector<float>{2.0f, 2.0f}));
}

TEST(InPlace, SgdStepOnALeaf) {
  Tensor w = tensor<double>({1.0, -1.0}).requires_grad_();
  backward(sum(w * w));  // grad 2w
  {
    NoGradGuard guard;
    add_(w, w.grad(), -0.25);  // w - 0.5 w
    zero_(w.grad());
  }
  EXPECT_EQ(to_vector<double>(w), (std::vector<double>{0.5, -0.5}));
  EXPECT_EQ(to_vector<double>(w.grad()), (std::vector<double>{0.0, 0.0}));
}

TEST(InPlace, WriteAfterSaveIsCaughtByBackward) {
  Tensor x = tensor<double>({1.0, 2.0}).requires_grad_();
  Tensor y = exp(x);  // saves its output
  Tensor z = sum(y * y);
  mul_(detach(y), 2.0);  // the detached alias shares y's storage and version
  EXPECT_THROW(backward(z), std::runtime_error);
}

}  // namespace
}  // namespace nabla
