#include "autograd/fused_act.h"

#include "autograd/autocast.h"
#include "autograd/conv.h"
#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/norm.h"
#include "autograd/record.h"
#include "autograd/reduce.h"
#include "core/factory.h"

namespace nabla {

namespace {

// Every dim of an [N, C, *] tensor but the channels.
Dims all_but_channels(const Tensor& y) {
  Dims dims{0};
  for (int64_t d = 2; d < y.dim(); ++d) dims.push_back(d);
  return dims;
}

// g * act'(y) written with differentiable ops, as the unfused vjps
// (autograd/elementwise.cpp) write it with y in place of x. For (leaky) ReLU
// that is where(y > 0, g, g * slope or 0): relu_backward's one kernel, whose
// own vjp is again one kernel (not compare, multiply, where and their vjps).
Tensor activation_grad(const Tensor& g, const Tensor& y, Activation a) {
  switch (a.kind) {
    case Act::relu: return relu_backward(g, y);
    case Act::leaky_relu: return leaky_relu_backward(g, y, a.slope);
    case Act::tanh: return g * (1.0 - y * y);
    case Act::sigmoid: return g * y * (1.0 - y);
    case Act::identity: break;
  }
  return g;
}

// The pre-activation gradient and (want_bias) its per-channel sum: one fused
// pass, or differentiable ops when this backward is itself differentiated.
prim::ActGrads pre_activation(const Tensor& g, const Tensor& y, Activation a, bool want_bias) {
  if (!grad_enabled()) return prim::activation_backward(g, y, a, want_bias);
  prim::ActGrads r{activation_grad(g, y, a), Tensor()};
  if (want_bias) r.grad_bias = sum(r.grad_pre, all_but_channels(y));
  return r;
}

}  // namespace

Tensor activate(const Tensor& x, Activation a) {
  switch (a.kind) {
    case Act::relu: return relu(x);
    case Act::leaky_relu: return leaky_relu(x, a.slope);
    case Act::tanh: return tanh(x);
    case Act::sigmoid: return sigmoid(x);
    case Act::identity: break;
  }
  return x;
}

Tensor conv_transpose2d_act(const Tensor& x_in, const Tensor& w_in, const Tensor& bias_in, const Conv2dParams& p,
                            Activation a) {
  const Tensor x = autocast(x_in), w = autocast(w_in), bias = autocast(bias_in);
  Tensor y = prim::conv_transpose2d_act(x, w, bias, p, a);
  return record("conv_transpose2d_act", y, {x, w, bias}, {x, w, y}, [p, a](const VjpContext& c) -> Grads {
    const prim::ActGrads d = pre_activation(c.grad, c.saved[2], a, c.needs[2]);
    auto [gx, gw] = conv_transpose2d_backward(d.grad_pre, c.saved[0], c.saved[1], p, c.needs[0], c.needs[1]);
    return {gx, gw, d.grad_bias};
  });
}

Tensor conv2d_act(const Tensor& x_in, const Tensor& w_in, const Tensor& bias_in, const Conv2dParams& p, Activation a) {
  const Tensor x = autocast(x_in), w = autocast(w_in), bias = autocast(bias_in);
  Tensor y = prim::conv2d_act(x, w, bias, p, a);
  return record("conv2d_act", y, {x, w, bias}, {x, w, y}, [p, a](const VjpContext& c) -> Grads {
    const prim::ActGrads d = pre_activation(c.grad, c.saved[2], a, c.needs[2]);
    auto [gx, gw] = conv2d_backward(d.grad_pre, c.saved[0], c.saved[1], p, c.needs[0], c.needs[1]);
    return {gx, gw, d.grad_bias};
  });
}

Tensor batch_norm_act(const Tensor& x_in, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                      const Tensor& running_var, bool training, double momentum, double eps, Activation a) {
  const Tensor x = autocast_f32(x_in);  // statistics in f32
  prim::NormResult r =
      prim::batch_norm_act(x, weight, bias, running_mean, running_var, training, momentum, eps, a);
  const bool batch_stats = training || !running_mean.defined();
  return record("batch_norm_act", r.out, {x, weight, bias}, {x, weight, r.mean, r.rstd, r.out},
                [a, eps, batch_stats](const VjpContext& c) -> Grads {
                  const prim::ActGrads d = pre_activation(c.grad, c.saved[4], a, c.needs[2]);
                  Grads gs = batch_norm_backward(d.grad_pre, c.saved[0], c.saved[1], c.saved[2], c.saved[3],
                                                 batch_stats, eps, {c.needs[0], c.needs[1], false});
                  gs[2] = d.grad_bias;
                  return gs;
                });
}

}  // namespace nabla
