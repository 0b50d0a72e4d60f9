#include "core/fused_act.h"

#include <cmath>
#include <string>

#include "core/check.h"
#include "core/copy.h"
#include "kernels/cuda/fused_act.h"

namespace nabla::prim {

namespace {
// Element 0 of t on any device (Tensor::data is for CPU tensors only).
template <class T>
T* ptr(const Tensor& t) {
  return t.view<T>().data;
}

void check_activation(const char* op, Activation a) {
  if (a.kind == Act::leaky_relu && !(a.slope > 0 && std::isfinite(a.slope)))
    throw_invalid(op, "leaky_relu needs a finite slope > 0 (its backward reads the sign of the output), got " +
                          std::to_string(a.slope));
}
}  // namespace

void activate_(const Tensor& y, Activation a) {
  const char* op = "activate_";
  check_defined(op, y);
  check_activation(op, a);
  if (!y.is_contiguous()) throw_invalid(op, "expected a contiguous tensor, got " + describe(y));
  if (is_bf16(y)) {
    const Tensor t = promote_f32(y);
    activate_(t, a);
    return copy_(y, t);
  }
  require_cuda_float(op, {y});
  dispatch_float(y.dtype(), op, [&]<class T>() {
    if (y.device().is_cuda()) kernels::cuda::activate_<T>(ptr<T>(y), y.numel(), a);
    else kernels::cpu::activate_<T>(ptr<T>(y), y.numel(), a);
  });
}

Tensor conv_transpose2d_act(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p,
                            Activation a) {
  check_activation("conv_transpose2d_act", a);
  Tensor y = conv_transpose2d(x, w, bias, p);
  activate_(y, a);
  return y;
}

Tensor conv2d_act(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p, Activation a) {
  check_activation("conv2d_act", a);
  if (x.defined() && x.device().is_cpu()) return conv2d(x, w, bias, p, a);  // the activation in the epilogue
  Tensor y = conv2d(x, w, bias, p);
  activate_(y, a);
  return y;
}

NormResult batch_norm_act(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                          const Tensor& running_var, bool training, double momentum, double eps, Activation a) {
  check_activation("batch_norm_act", a);
  return batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps, a);
}

ActGrads activation_backward(const Tensor& g, const Tensor& y, Activation a, bool want_bias) {
  const char* op = "activation_backward";
  check_defined(op, g);
  check_defined(op, y);
  check_activation(op, a);
  check_same_dtype(op, {g, y});
  check_same_device(op, {g, y});
  if (y.dim() < 2 || g.shape() != y.shape())
    throw_invalid(op, "expected a gradient and an output of one shape [N, C, *], got " + describe(g) + " and " +
                          describe(y));
  if (is_bf16(y)) {
    const ActGrads r = activation_backward(promote_f32(g), promote_f32(y), a, want_bias);
    return {round_bf16(r.grad_pre), r.grad_bias.defined() ? round_bf16(r.grad_bias) : Tensor()};
  }
  require_cuda_float(op, {g, y});
  kernels::NCS sh{y.size(0), y.size(1), 1};
  for (int64_t d = 2; d < y.dim(); ++d) sh.s *= y.size(d);
  const Tensor gc = contiguous(g), yc = contiguous(y);
  ActGrads r{make_tensor(y.shape(), y.dtype(), y.device()),
             want_bias ? make_tensor({sh.c}, y.dtype(), y.device()) : Tensor()};
  dispatch_float(y.dtype(), op, [&]<class T>() {
    T* gb = want_bias ? ptr<T>(r.grad_bias) : nullptr;
    const T *gp = ptr<const T>(gc), *yp = ptr<const T>(yc);
    if (y.device().is_cuda()) kernels::cuda::activation_backward<T>(ptr<T>(r.grad_pre), gb, gp, yp, sh, a);
    else kernels::cpu::activation_backward<T>(ptr<T>(r.grad_pre), gb, gp, yp, sh, a);
  });
  return r;
}

}  // namespace nabla::prim
