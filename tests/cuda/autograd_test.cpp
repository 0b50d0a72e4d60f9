// Backward on CUDA: the same loss on CPU and CUDA leaves, gradients compared.
// Only ops with CUDA kernels appear (elementwise, reductions, matmul, views).
// Tolerance: f64 rtol 1e-10, f32 rtol 1e-4 (the backward is several kernels
// deep, each within a few ulp of the CPU's).
#include <gtest/gtest.h>

#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {
namespace {

using Loss = std::function<Tensor(const std::vector<Tensor>&)>;

// Leaves from `inputs` on `device` (requiring grad), the loss's backward, the grads.
std::vector<Tensor> grads_on(Device device, const std::vector<Tensor>& inputs, const Loss& loss) {
  std::vector<Tensor> leaves;
  for (const Tensor& x : inputs) {
    Tensor leaf = prim::to(x, device);
    if (leaf.is_same(x)) leaf = prim::clone(x);
    leaf.requires_grad_();
    leaves.push_back(leaf);
  }
  backward(loss(leaves));
  std::vector<Tensor> grads;
  for (const Tensor& leaf : leaves) grads.push_back(leaf.grad());
  return grads;
}

void expect_same_grads(const std::vector<Tensor>& inputs, const Loss& loss, Tol tol) {
  const auto cpu = grads_on(Device::cpu(), inputs, loss);
  const auto gpu = grads_on(Device::cuda(0), inputs, loss);
  for (size_t i = 0; i < cpu.size(); ++i) EXPECT_TRUE(matches(gpu[i], cpu[i], tol)) << "grad of input " << i;
}

Tol grad_tol(DType t) { return t == DType::f32 ? Tol{1e-4, 1e-5} : Tol{1e-10, 1e-12}; }

TEST(CudaAutograd, MlpLossGradsMatchTheCpu) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    const std::vector<Tensor> in{sample({8, 5}, t, 1), sample({5, 7}, t, 2), sample({7}, t, 3), sample({8, 7}, t, 4)};
    expect_same_grads(in, [](const std::vector<Tensor>& v) {
      const Tensor h = tanh(matmul(v[0], v[1]) + v[2]);
      return mean(square(h - v[3])) + sum(sigmoid(h)) * mean(exp(-abs(v[0])));
    }, grad_tol(t));
  }
}

TEST(CudaAutograd, ReductionsAndBroadcastGrads) {
  NABLA_REQUIRE_CUDA();
  for (DType t : float_types()) {
    const std::vector<Tensor> in{sample({4, 6}, t, 5), sample({6}, t, 6)};
    expect_same_grads(in, [](const std::vector<Tensor>& v) {
      const Tensor x = v[0] * v[1];
      return sum(logsumexp(x, {1})) + sum(max(x, {0})) + sum(var(x, {1})) + norm(x, 2) +
             sum(where(gt(x, v[1]), relu(x), softplus(x)));
    }, grad_tol(t));
  }
}

TEST(CudaAutograd, NoncontiguousLeaves) {
  NABLA_REQUIRE_CUDA();
  const std::vector<Tensor> in{sample({5, 3}, DType::f64, 7), sample({5, 3}, DType::f64, 8)};
  expect_same_grads(in, [](const std::vector<Tensor>& v) {
    const Tensor a = transpose(v[0], 0, 1), b = transpose(v[1], 0, 1);  // strided views of the leaves
    return sum(matmul(a, transpose(b, 0, 1)) * 0.5) + mean(pow(abs(a) + 1.0, 1.5));
  }, grad_tol(DType::f64));
}

}  // namespace
}  // namespace nabla::testing
