#pragma once
// Function transforms over the tape: vjp, jvp (forward mode) and jacobian.
//
// jvp uses the double-vjp trick instead of per-op tangent rules: for any u,
// g(u) = J^T u is linear in u, so J v = d/du <J^T u, v>. Two reverse passes
// (the first with create_graph) give the forward-mode product, exactly, for
// every op whose vjp is differentiable, which is every op in nabla.
#include <functional>
#include <utility>
#include <vector>

#include "core/tensor.h"

namespace nabla {

using Fn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;
using Fn1 = std::function<Tensor(const Tensor&)>;

// {f(primals), J^T cotangents}.
std::pair<std::vector<Tensor>, std::vector<Tensor>> vjp(const Fn& f, const std::vector<Tensor>& primals,
                                                        const std::vector<Tensor>& cotangents);
// {f(primals), J tangents}: the forward-mode derivative along the tangents.
std::pair<std::vector<Tensor>, std::vector<Tensor>> jvp(const Fn& f, const std::vector<Tensor>& primals,
                                                        const std::vector<Tensor>& tangents);
// d f(x) / d x with shape f(x).shape + x.shape (one reverse pass per output
// element: meant for small functions).
Tensor jacobian(const Fn1& f, const Tensor& x);

}  // namespace nabla
