#pragma once
// Elementwise front-ends: check dtypes and devices, broadcast, allocate the
// output, call the kernel. No gradients here (see autograd/elementwise.h).
#include <utility>

#include "core/tensor.h"
#include "kernels/elementwise.h"

namespace nabla::prim {

using kernels::Binary;
using kernels::Compare;
using kernels::Unary;
using kernels::UnaryArgs;

Tensor unary(Unary op, const Tensor& x, UnaryArgs args = {});
// a op b with NumPy broadcasting; a and b share a dtype and device.
Tensor binary(Binary op, const Tensor& a, const Tensor& b);
Tensor compare(Compare op, const Tensor& a, const Tensor& b);  // -> bool
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
// The gradient of relu (leaky false: g where x > 0, else 0) or leaky_relu
// (leaky: g where x > 0, else g * slope) in one pass; g and x of one shape,
// dtype (floating) and device.
Tensor relu_backward(const Tensor& g, const Tensor& x, double slope, bool leaky);
// a = a op b in place (b broadcast to a's shape); bumps a's version.
void binary_(Binary op, const Tensor& a, const Tensor& b);

// The views of a and b broadcast to a common shape.
std::pair<Tensor, Tensor> broadcast(const char* op, const Tensor& a, const Tensor& b);

}  // namespace nabla::prim
