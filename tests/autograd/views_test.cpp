// Gradients of the view ops and copies (float64, first and second order).
#include "autograd/views.h"

#include "tests/testing.h"

namespace nabla {
namespace {

using testing::random;

// Weights the output so that every element's gradient differs.
Tensor weighted(const Tensor& y) {
  return y * reshape(to(arange(y.numel()), DType::f64), y.shape()) + y * y;
}

TEST(ViewsGrad, EveryViewOpFirstAndSecondOrder) {
  std::vector<std::pair<const char*, Fn1>> cases = {
      {"reshape", [](const Tensor& x) { return weighted(reshape(x, {4, -1})); }},
      {"view", [](const Tensor& x) { return weighted(view(x, {6, 2})); }},
      {"permute", [](const Tensor& x) { return weighted(permute(x, {2, 0, 1})); }},
      {"transpose", [](const Tensor& x) { return weighted(transpose(x, 0, 2)); }},
      {"slice", [](const Tensor& x) { return weighted(slice(x, 2, 0, 3, 2)); }},
      {"narrow", [](const Tensor& x) { return weighted(narrow(x, 1, 1, 2)); }},
      {"select", [](const Tensor& x) { return weighted(select(x, 0, -1)); }},
      {"expand", [](const Tensor& x) { return weighted(expand(narrow(x, 1, 0, 1), {2, 2, 3, 2})); }},
      {"squeeze", [](const Tensor& x) { return weighted(squeeze(narrow(x, 1, 0, 1), 1)); }},
      {"unsqueeze", [](const Tensor& x) { return weighted(unsqueeze(x, 1)); }},
      {"flatten", [](const Tensor& x) { return weighted(flatten(x, 1)); }},
      {"contiguous", [](const Tensor& x) { return weighted(contiguous(transpose(x, 0, 1))); }},
      {"clone", [](const Tensor& x) { return weighted(clone(x)); }},
      {"to", [](const Tensor& x) { return weighted(to(to(x, DType::f32), DType::f64)); }},
  };
  for (const auto& [name, f] : cases) {
    SCOPED_TRACE(name);
    Tensor x = random({2, 3, 2}, 9);
    if (std::string(name) == "to") {  // f32 round trip: finite differences need a larger step
      EXPECT_GRADCHECK(gradcheck(f, x, {.eps = 1e-3, .atol = 1e-3, .rtol = 1e-2}));
      continue;
    }
    EXPECT_GRADCHECK(gradcheck(f, x));
    EXPECT_GRADCHECK(gradgradcheck(f, x));
  }
}

TEST(ViewsGrad, DetachStopsGradient) {
  Tensor x = random({3}, 1);
  Tensor y = sum(x * detach(x));
  backward(y);
  EXPECT_TRUE(testing::allclose(x.grad(), detach(x)));
}

TEST(ViewsGrad, ViewsShareStorageWithTheirInput) {
  Tensor x = random({2, 3}, 2);
  EXPECT_EQ(transpose(x, 0, 1).storage(), x.storage());
  EXPECT_EQ(slice(x, 1, 1, 3).storage(), x.storage());
}

}  // namespace
}  // namespace nabla
