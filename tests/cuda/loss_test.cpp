// CUDA losses against the CPU's (mse and l1 are compositions of elementwise
// ops and sum; bce_with_logits has its own kernel), values and grads.
// Tolerance: f32 rtol 1e-4, f64 rtol 1e-10 (log1p/exp of the device's libm).
#include <gtest/gtest.h>

#include "tests/cuda/parity.h"

namespace nabla::testing {
namespace {

Tol loss_tol(DType t) { return t == DType::f32 ? Tol{1e-4, 1e-5} : Tol{1e-10, 1e-12}; }

TEST(CudaLoss, ValuesAndGradsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  using L = std::function<Tensor(const Tensor&, const Tensor&, const Tensor&)>;
  const std::vector<std::pair<const char*, L>> losses{
      {"mse", [](const Tensor& x, const Tensor& t, const Tensor&) { return mse_loss(x, t); }},
      {"l1", [](const Tensor& x, const Tensor& t, const Tensor&) { return l1_loss(x, t, Reduction::sum); }},
      {"bce", [](const Tensor& x, const Tensor& t, const Tensor&) { return binary_cross_entropy_with_logits(x, t); }},
      {"bce_pw", [](const Tensor& x, const Tensor& t, const Tensor& pw) {
         return binary_cross_entropy_with_logits(x, t, Reduction::mean, pw);
       }},
      {"bce_none", [](const Tensor& x, const Tensor& t, const Tensor&) {
         return sum(binary_cross_entropy_with_logits(x, t, Reduction::none) * 0.5);
       }},
  };
  for (const auto& [name_, f] : losses)
    for (DType t : float_types())
      for (const Shape& shape : std::vector<Shape>{{1}, {7, 5}, {3000, 3}}) {
        const Tensor x = sample(shape, t, 1, -30, 30), y = sample(shape, t, 2, 0, 1);
        const Tensor pw = sample({shape.back()}, t, 3, 0.5, 2);
        std::vector<Tensor> values, grads;
        for (Device dev : {Device::cpu(), Device::cuda(0)}) {
          Tensor leaf = prim::clone(prim::to(x, dev));
          leaf.requires_grad_();
          const Tensor v = f(leaf, prim::to(y, dev), prim::to(pw, dev));
          backward(v);
          values.push_back(detach(v));
          grads.push_back(leaf.grad());
        }
        EXPECT_TRUE(matches(values[1], values[0], loss_tol(t))) << name_ << " " << describe(x);
        EXPECT_TRUE(matches(grads[1], grads[0], loss_tol(t))) << name_ << " grad " << describe(x);
      }
}

// Non-contiguous inputs and targets, odd sizes and an empty batch (sum over
// nothing: 0, no gradient values), forward and backward.
TEST(CudaLoss, StridedAndEmptyInputsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  using L = std::function<Tensor(const Tensor&, const Tensor&)>;
  const std::vector<std::pair<const char*, L>> losses{
      {"mse", [](const Tensor& x, const Tensor& y) { return mse_loss(x, y, Reduction::sum); }},
      {"l1", [](const Tensor& x, const Tensor& y) { return l1_loss(x, y, Reduction::none); }},
      {"bce", [](const Tensor& x, const Tensor& y) { return binary_cross_entropy_with_logits(x, y, Reduction::sum); }},
      {"bce_none", [](const Tensor& x, const Tensor& y) {
         return binary_cross_entropy_with_logits(x, y, Reduction::none);
       }},
  };
  for (const auto& [name_, f] : losses)
    for (DType t : float_types())
      for (bool strided : {false, true})
        for (const Shape& shape : std::vector<Shape>{{0, 3}, {1, 1}, {5, 7}, {3, 4, 9}})
          expect_parity(std::string(name_) + " " + str(shape), {sample(shape, t, 31, -8, 8), sample(shape, t, 32, 0, 1)},
                        [&](const std::vector<Tensor>& v, Device) { return f(v[0], v[1]); }, loss_tol(t), strided);
}

}  // namespace
}  // namespace nabla::testing
