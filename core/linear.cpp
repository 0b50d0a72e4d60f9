#include "core/linear.h"

#include <string>

#include "core/check.h"
#include "core/copy.h"
#include "core/elementwise.h"
#include "core/linalg.h"
#include "core/views.h"
#include "kernels/linear_f32.h"

namespace nabla::prim {

bool linear_uses_sgemm(const Tensor& x) { return x.dtype() == DType::f32 && x.device().is_cpu(); }

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  const std::string got = describe(x) + " and weight " + describe(weight);
  if (weight.dim() != 2) throw_invalid("linear", "expected a 2-D weight [out, in], got input " + got);
  if (x.dim() == 0 || x.shape().back() != weight.shape()[1])
    throw_invalid("linear", "expected an input [..., " + std::to_string(weight.shape()[1]) + "], got input " + got);
  if (bias.defined() && (bias.dim() != 1 || bias.shape()[0] != weight.shape()[0]))
    throw_invalid("linear", "expected a bias [" + std::to_string(weight.shape()[0]) + "], got " + describe(bias) +
                                " for weight " + describe(weight));
  if (bias.defined()) {
    check_same_device("linear", {x, weight, bias});
    check_same_dtype("linear", {x, weight, bias});
  } else {
    check_same_device("linear", {x, weight});
    check_same_dtype("linear", {x, weight});
  }
  if (is_bf16(x)) {  // the product and the bias add in float, rounded to bf16 once
    const Tensor b = bias.defined() ? promote_f32(bias) : bias;
    return round_bf16(linear(promote_f32(x), promote_f32(weight), b));
  }
  if (!linear_uses_sgemm(x)) {
    Tensor y = matmul(x, transpose(weight, 0, 1));
    if (bias.defined()) binary_(Binary::add, y, bias);
    return y;
  }
  const int64_t in = weight.shape()[1], out = weight.shape()[0];
  int64_t rows = 1;
  for (int64_t d = 0; d + 1 < x.dim(); ++d) rows *= x.shape()[d];
  const Tensor x2 = x.dim() == 2 ? x : reshape(x, {rows, in});
  Tensor y = make_tensor({x2.shape()[0], out}, DType::f32, x.device());
  kernels::View<const float> b{};
  if (bias.defined()) b = bias.view<const float>();
  kernels::cpu::linear_f32(y.view<float>(), x2.view<const float>(), weight.view<const float>(), b);
  Shape shape = x.shape();
  shape.back() = out;
  return view(y, shape);
}

}  // namespace nabla::prim
