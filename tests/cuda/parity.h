#pragma once
// One parity check for differentiable ops: f runs on CPU leaves and on CUDA
// copies of them; the values and the gradients of sum(f(...) * w), w a fixed
// random weight, must agree. With `strided` the leaves are non-contiguous.
#include <functional>
#include <string>
#include <vector>

#include "tests/cuda/cuda_testing.h"

namespace nabla::testing {

// f gets the leaves and the device (to move index tensors there).
using DeviceFn = std::function<Tensor(const std::vector<Tensor>&, Device)>;

inline void expect_parity(const std::string& what, const std::vector<Tensor>& inputs, const DeviceFn& f, Tol tol,
                          bool strided = false) {
  std::vector<Tensor> values, grads[2];
  for (int k = 0; k < 2; ++k) {
    const Device dev = k == 0 ? Device::cpu() : Device::cuda(0);
    std::vector<Tensor> leaves;
    for (const Tensor& x : inputs) {
      Tensor leaf = strided ? noncontiguous(prim::to(x, dev)) : prim::clone(prim::to(x, dev));
      leaf.requires_grad_();
      leaves.push_back(leaf);
    }
    const Tensor y = f(leaves, dev);
    const Tensor w = prim::to(sample(y.shape(), y.dtype(), 99), dev);
    backward(sum(y * w));
    values.push_back(detach(y));
    for (const Tensor& leaf : leaves) grads[k].push_back(leaf.grad());
  }
  const std::string tag = what + (strided ? " (strided)" : "");
  EXPECT_TRUE(matches(values[1], values[0], tol)) << tag;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!grads[0][i].defined()) {
      EXPECT_FALSE(grads[1][i].defined()) << tag << " grad " << i;
      continue;
    }
    EXPECT_TRUE(matches(grads[1][i], grads[0][i], tol)) << tag << " grad " << i;
  }
}

}  // namespace nabla::testing
