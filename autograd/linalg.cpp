// Matrix products and their derivatives. For Y = A B with dY = G:
// dA = G B^T and dB = A^T G, each summed over the batch dims its operand was
// broadcast along (sum_to).
#include "autograd/linalg.h"

#include "autograd/autocast.h"
#include "autograd/elementwise.h"
#include "autograd/record.h"
#include "autograd/reduce.h"
#include "autograd/views.h"
#include "core/check.h"
#include "core/linalg.h"
#include "core/linear.h"
#include "core/views.h"

namespace nabla {

namespace {

Tensor mT(const Tensor& x) { return transpose(x, -1, -2); }

// The matmul output shape before the dims of 1-D operands were dropped.
Shape lifted_output(Shape out, bool a_vector, bool b_vector) {
  if (b_vector) out.push_back(1);
  if (a_vector) out.insert(out.end() - 1, 1);
  return out;
}

// Rows of x [..., k] seen as one [rows, k] matrix.
Tensor as_rows(const Tensor& x) {
  const int64_t k = x.shape().back();
  int64_t rows = 1;
  for (int64_t d = 0; d + 1 < x.dim(); ++d) rows *= x.shape()[d];
  return reshape(x, {rows, k});
}

Grads matmul_vjp(const VjpContext& c) {
  const Tensor& a = c.saved[0];
  const Tensor& b = c.saved[1];
  const Tensor a2 = a.dim() == 1 ? unsqueeze(a, 0) : a;
  const Tensor b2 = b.dim() == 1 ? unsqueeze(b, 1) : b;
  const Tensor g = reshape(c.grad, lifted_output(c.grad.shape(), a.dim() == 1, b.dim() == 1));
  Tensor ga, gb;
  if (c.needs[0]) ga = reshape(sum_to(matmul(g, mT(b2)), a2.shape()), a.shape());
  if (c.needs[1]) {
    if (b2.dim() == 2 && a2.dim() > 2)  // one GEMM over all batch rows, no batch sum
      gb = matmul(mT(as_rows(a2)), as_rows(g));
    else
      gb = sum_to(matmul(mT(a2), g), b2.shape());
    gb = reshape(gb, b.shape());
  }
  return {ga, gb};
}

// y = x W^T + b: dx = G W, dW = G^T X over all rows, db = G summed over
// rows. In f32 on the CPU (prim::linear_uses_sgemm) both products are linear
// ops themselves, dx = linear(G, W^T) and dW = linear(G^T, X^T): the packed
// SGEMM writes G^T X straight into W's contiguous [out, in] layout with the
// same sums as (X^T G)^T (each element summed over the rows in order). Other
// dtypes and devices keep matmul's products: (X^T G)^T made contiguous once,
// so that accumulating it and storing it as .grad run over unit strides.
Grads linear_vjp(const VjpContext& c) {
  const Tensor& x = c.saved[0];
  const Tensor& w = c.saved[1];
  const bool sgemm = prim::linear_uses_sgemm(x);
  Grads out(c.needs.size());
  if (c.needs[0]) out[0] = sgemm ? linear(c.grad, mT(w)) : matmul(c.grad, w);
  if (c.needs[1]) {
    const Tensor g = x.dim() == 1 ? unsqueeze(c.grad, 0) : as_rows(c.grad);
    const Tensor x2 = x.dim() == 1 ? unsqueeze(x, 0) : as_rows(x);
    out[1] = sgemm ? linear(mT(g), mT(x2)) : contiguous(mT(matmul(mT(x2), g)));
  }
  if (out.size() > 2 && c.needs[2]) out[2] = sum_to(c.grad, {w.shape()[0]});
  return out;
}

}  // namespace

Tensor matmul(const Tensor& a_in, const Tensor& b_in) {
  const Tensor a = autocast(a_in), b = autocast(b_in);
  return record("matmul", prim::matmul(a, b), {a, b}, {a, b}, matmul_vjp);
}

Tensor bmm(const Tensor& a_in, const Tensor& b_in) {
  const Tensor a = autocast(a_in), b = autocast(b_in);
  return record("bmm", prim::bmm(a, b), {a, b}, {a, b}, [](const VjpContext& c) -> Grads {
    Tensor ga, gb;
    if (c.needs[0]) ga = bmm(c.grad, mT(c.saved[1]));
    if (c.needs[1]) gb = bmm(mT(c.saved[0]), c.grad);
    return {ga, gb};
  });
}

Tensor outer(const Tensor& a, const Tensor& b) {
  return record("outer", prim::outer(a, b), {a, b}, {a, b}, [](const VjpContext& c) -> Grads {
    Tensor ga, gb;
    if (c.needs[0]) ga = matmul(c.grad, c.saved[1]);
    if (c.needs[1]) gb = matmul(c.saved[0], c.grad);
    return {ga, gb};
  });
}

Tensor linear(const Tensor& x_in, const Tensor& weight_in, const Tensor& bias_in) {
  check_defined("linear", x_in);
  check_defined("linear", weight_in);
  const Tensor x = autocast(x_in), weight = autocast(weight_in), bias = autocast(bias_in);
  // One node instead of matmul(x, permute(w)) + b (see linear_vjp); the
  // prim checks the shapes.
  Tensor y = prim::linear(x, weight, bias);
  std::vector<Tensor> inputs{x, weight};
  if (bias.defined()) inputs.push_back(bias);
  return record("linear", y, inputs, {x, weight}, linear_vjp);
}

}  // namespace nabla
