// The README's first program, checked line by line.
#include "tests/testing.h"

namespace nabla {
namespace {

TEST(Readme, FirstProgramPrintsWhatTheReadmeShows) {
  Tensor x = tensor<double>({1.0, 2.0, 3.0}).requires_grad_();
  Tensor y = sum(x * x * x);
  Tensor dy = grad({y}, {x}, {}, {.create_graph = true})[0];
  Tensor d2y = grad({sum(dy)}, {x})[0];
  EXPECT_EQ(y.str(), "tensor(36.0000, dtype=f64, grad_fn=<sum>)");
  EXPECT_EQ(dy.str(), "tensor([ 3.0000, 12.0000, 27.0000], dtype=f64, grad_fn=<add>)");
  EXPECT_EQ(d2y.str(), "tensor([ 6.0000, 12.0000, 18.0000], dtype=f64)");
  manual_seed(0);
  EXPECT_EQ(randn({2, 3}).str(),
            "tensor([[ 0.7379, -1.7336, -0.0838],\n"
            "        [-1.5152, -0.8094,  1.0774]])");
  backward(sum(tanh(x)));
  EXPECT_EQ(x.grad().str(), "tensor([0.4200, 0.0707, 0.0099], dtype=f64)");
}

}  // namespace
}  // namespace nabla
