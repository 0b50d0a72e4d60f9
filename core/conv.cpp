#include "core/conv.h"

#include <string>

#include "core/backend.h"
#include "core/check.h"
#include "core/copy.h"
#include "kernels/conv.h"
#include "kernels/cuda/conv.h"
#include "kernels/fused_act.h"

namespace nabla::prim {

namespace {

std::string pair(const std::array<int64_t, 2>& v) {
  std::string s = std::to_string(v[0]);  // built by appending: GCC 12 warns falsely on "{" + string
  s.append(", ").append(std::to_string(v[1])).append("}");
  return s.insert(0, 1, '{');
}

void check_params(const char* op, const Conv2dParams& p, bool transposed) {
  for (int d = 0; d < 2; ++d) {
    if (p.stride[d] < 1) throw_invalid(op, "expected stride >= 1, got " + pair(p.stride));
    if (p.dilation[d] < 1) throw_invalid(op, "expected dilation >= 1, got " + pair(p.dilation));
    if (p.padding[d] < 0) throw_invalid(op, "expected padding >= 0, got " + pair(p.padding));
    if (p.output_padding[d] != 0 && !transposed)
      throw_invalid(op, "output_padding applies to conv_transpose2d only, got " + pair(p.output_padding));
    if (p.output_padding[d] < 0)
      throw_invalid(op, "expected output_padding >= 0, got " + pair(p.output_padding));
    if (p.output_padding[d] >= p.stride[d] && p.output_padding[d] >= p.dilation[d])
      throw_invalid(op, "output_padding " + pair(p.output_padding) + " must be smaller than stride " +
                            pair(p.stride) + " or dilation " + pair(p.dilation));
  }
  if (p.groups < 1) throw_invalid(op, "expected groups >= 1, got " + std::to_string(p.groups));
}

// x and w are 4-D tensors of one float dtype on the CPU; bias, if given, is
// [bias_size] of the same dtype and device.
void check_operands(const char* op, const Tensor& x, const Tensor& w, const Tensor& bias,
                    const char* x_dims, const char* w_dims) {
  check_defined(op, x);
  check_defined(op, w);
  if (x.dim() != 4) throw_invalid(op, std::string("expected input with 4 dims ") + x_dims + ", got " + describe(x));
  if (w.dim() != 4) throw_invalid(op, std::string("expected weight with 4 dims ") + w_dims + ", got " + describe(w));
  if (bias.defined()) {
    check_same_device(op, {x, w, bias});
    check_same_dtype(op, {x, w, bias});
  } else {
    check_same_device(op, {x, w});
    check_same_dtype(op, {x, w});
  }
  if (w.size(2) < 1 || w.size(3) < 1) throw_invalid(op, "expected a kernel of size >= 1, got weight " + describe(w));
}

// bf16 convolutions run the float kernels on float copies, rounded once.
Tensor f32_or_none(const Tensor& t) { return t.defined() ? promote_f32(t) : t; }

void check_bias(const char* op, const Tensor& bias, int64_t channels) {
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != channels))
    throw_invalid(op, "expected bias of shape [" + std::to_string(channels) + "], got " + describe(bias));
}

void check_groups(const char* op, const char* what, int64_t channels, int64_t groups) {
  if (channels % groups != 0)
    throw_invalid(op, std::string(what) + " (" + std::to_string(channels) + ") is not divisible by groups (" +
                          std::to_string(groups) + ")");
}

Shape checked_output(const char* op, const Tensor& x, const Tensor& w, int64_t C_out, int64_t Ho, int64_t Wo,
                     const Conv2dParams& p) {
  if (Ho <= 0 || Wo <= 0)
    throw_invalid(op, "output size would be [" + std::to_string(Ho) + ", " + std::to_string(Wo) + "] for input " +
                          describe(x) + ", weight " + describe(w) + ", stride " + pair(p.stride) + ", padding " +
                          pair(p.padding) + ", dilation " + pair(p.dilation) + "; expected > 0");
  return {x.size(0), C_out, Ho, Wo};
}

kernels::Conv2dArgs args(const Conv2dParams& p) {
  kernels::Conv2dArgs a;
  for (int d = 0; d < 2; ++d) a.stride[d] = p.stride[d], a.padding[d] = p.padding[d], a.dilation[d] = p.dilation[d];
  a.groups = p.groups;
  return a;
}

// A view of bias for the kernels (data == nullptr when there is none).
template <class T>
kernels::View<const T> bias_view(const Tensor& bias) {
  return bias.defined() ? bias.view<const T>() : kernels::View<const T>{};
}

}  // namespace

int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation) {
  const int64_t span = in + 2 * padding - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

int64_t conv_transpose_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding,
                                   int64_t dilation, int64_t output_padding) {
  return (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1;
}

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p) {
  return conv2d(x, w, bias, p, kernels::Activation{});
}

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p, kernels::Activation act) {
  const char* op = "conv2d";
  check_operands(op, x, w, bias, "[N, C, H, W]", "[C_out, C_in/groups, kH, kW]");
  if (is_bf16(x)) return round_bf16(conv2d(promote_f32(x), promote_f32(w), f32_or_none(bias), p, act));
  check_params(op, p, false);
  check_groups(op, "weight's output channels", w.size(0), p.groups);
  if (w.size(1) * p.groups != x.size(1))
    throw_invalid(op, "input " + describe(x) + " has " + std::to_string(x.size(1)) + " channels, but weight " +
                          describe(w) + " with groups=" + std::to_string(p.groups) + " expects " +
                          std::to_string(w.size(1) * p.groups));
  check_bias(op, bias, w.size(0));
  if (x.device().is_cuda() && act.kind != kernels::Act::identity)
    throw_invalid(op, "the activation epilogue is CPU-only (prim::conv2d_act applies it separately on CUDA)");
  const int64_t Ho = conv_output_size(x.size(2), w.size(2), p.stride[0], p.padding[0], p.dilation[0]);
  const int64_t Wo = conv_output_size(x.size(3), w.size(3), p.stride[1], p.padding[1], p.dilation[1]);
  Tensor out = make_tensor(checked_output(op, x, w, w.size(0), Ho, Wo, p), x.dtype(), x.device());
  const Tensor wc = contiguous(w);
  dispatch_float(x.dtype(), op, [&]<class T>() {
    if (x.device().is_cuda())
      kernels::cuda::conv2d_forward<T>(out.view<T>(), x.view<const T>(), wc.view<const T>(), bias_view<T>(bias),
                                       args(p), backend("conv"));
    else if (act.kind != kernels::Act::identity)
      kernels::cpu::conv2d_forward_act<T>(out.view<T>(), x.view<const T>(), wc.view<const T>(), bias_view<T>(bias),
                                          args(p), act);
    else
      kernels::cpu::conv2d_forward<T>(out.view<T>(), x.view<const T>(), wc.view<const T>(), bias_view<T>(bias),
                                      args(p));
  });
  return out;
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dParams& p) {
  const char* op = "conv_transpose2d";
  check_operands(op, x, w, bias, "[N, C, H, W]", "[C_in, C_out/groups, kH, kW]");
  if (is_bf16(x)) return round_bf16(conv_transpose2d(promote_f32(x), promote_f32(w), f32_or_none(bias), p));
  check_params(op, p, true);
  check_groups(op, "input channels", x.size(1), p.groups);
  if (w.size(0) != x.size(1))
    throw_invalid(op, "input " + describe(x) + " has " + std::to_string(x.size(1)) + " channels, but weight " +
                          describe(w) + " expects " + std::to_string(w.size(0)) + " (its dim 0)");
  const int64_t C_out = w.size(1) * p.groups;
  check_bias(op, bias, C_out);
  const int64_t Ho =
      conv_transpose_output_size(x.size(2), w.size(2), p.stride[0], p.padding[0], p.dilation[0], p.output_padding[0]);
  const int64_t Wo =
      conv_transpose_output_size(x.size(3), w.size(3), p.stride[1], p.padding[1], p.dilation[1], p.output_padding[1]);
  Tensor out = make_tensor(checked_output(op, x, w, C_out, Ho, Wo, p), x.dtype(), x.device());
  const Tensor xc = contiguous(x), wc = contiguous(w);
  dispatch_float(x.dtype(), op, [&]<class T>() {
    if (x.device().is_cuda())
      kernels::cuda::conv2d_backward_input<T>(out.view<T>(), xc.view<const T>(), wc.view<const T>(),
                                              bias_view<T>(bias), args(p), backend("conv"));
    else
      kernels::cpu::conv2d_backward_input<T>(out.view<T>(), xc.view<const T>(), wc.view<const T>(),
                                             bias_view<T>(bias), args(p));
  });
  return out;
}

Tensor conv2d_weight(const Tensor& x, const Tensor& grad_out, const Shape& weight_shape, const Conv2dParams& p) {
  const char* op = "conv2d_weight";
  check_defined(op, x);
  check_defined(op, grad_out);
  if (x.dim() != 4) throw_invalid(op, "expected input with 4 dims [N, C, H, W], got " + describe(x));
  if (grad_out.dim() != 4)
    throw_invalid(op, "expected grad_out with 4 dims [N, C_out, Ho, Wo], got " + describe(grad_out));
  if (weight_shape.size() != 4 || weight_shape[2] < 1 || weight_shape[3] < 1)
    throw_invalid(op, "expected weight_shape [C_out, C_in/groups, kH, kW] with kH, kW >= 1, got " + str(weight_shape));
  check_same_device(op, {x, grad_out});
  check_same_dtype(op, {x, grad_out});
  if (is_bf16(x)) return round_bf16(conv2d_weight(promote_f32(x), promote_f32(grad_out), weight_shape, p));
  check_params(op, p, false);
  check_groups(op, "weight's output channels", weight_shape[0], p.groups);
  const int64_t Ho = conv_output_size(x.size(2), weight_shape[2], p.stride[0], p.padding[0], p.dilation[0]);
  const int64_t Wo = conv_output_size(x.size(3), weight_shape[3], p.stride[1], p.padding[1], p.dilation[1]);
  const Shape expected{x.size(0), weight_shape[0], Ho, Wo};
  if (weight_shape[1] * p.groups != x.size(1))
    throw_invalid(op, "input " + describe(x) + " has " + std::to_string(x.size(1)) + " channels, but weight_shape " +
                          str(weight_shape) + " with groups=" + std::to_string(p.groups) + " expects " +
                          std::to_string(weight_shape[1] * p.groups));
  if (grad_out.shape() != expected)
    throw_invalid(op, "input " + describe(x) + " and weight_shape " + str(weight_shape) + " with groups=" +
                          std::to_string(p.groups) + " expect grad_out of shape " + str(expected) + ", got " +
                          describe(grad_out));
  Tensor out = make_tensor(weight_shape, x.dtype(), x.device());
  const Tensor gc = contiguous(grad_out);
  dispatch_float(x.dtype(), op, [&]<class T>() {
    if (x.device().is_cuda())
      kernels::cuda::conv2d_backward_weight<T>(out.view<T>(), x.view<const T>(), gc.view<const T>(), args(p),
                                               backend("conv"));
    else
      kernels::cpu::conv2d_backward_weight<T>(out.view<T>(), x.view<const T>(), gc.view<const T>(), args(p));
  });
  return out;
}

}  // namespace nabla::prim
