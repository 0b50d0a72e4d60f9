#pragma once
// How a differentiable op records itself:
//
//   Tensor exp(const Tensor& x) {
//     Tensor y = prim::unary(Unary::exp, x);
//     return record("exp", y, {x}, {y}, [](const VjpContext& c) -> Grads {
//       return {c.grad * c.saved[0]};
//     });
//   }
//
// When grad mode is off or no input requires grad, record returns `out`
// untouched and the vjp is dropped.
#include <vector>

#include "autograd/node.h"

namespace nabla {

using Grads = std::vector<Tensor>;

// True when an op on these inputs would be recorded.
bool should_record(const std::vector<Tensor>& inputs);

Tensor record(const char* op, Tensor out, const std::vector<Tensor>& inputs,
              const std::vector<Tensor>& save, VjpFn vjp);

}  // namespace nabla
