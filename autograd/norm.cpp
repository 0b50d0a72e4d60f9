// Normalisation layers and their derivatives.
#include "autograd/norm.h"

#include "autograd/autocast.h"
#include "autograd/elementwise.h"
#include "autograd/grad_mode.h"
#include "autograd/record.h"
#include "autograd/reduce.h"
#include "autograd/views.h"
#include "core/bn_backward.h"
#include "core/norm.h"

namespace nabla {

namespace {
// Where the statistics live: the reduced dims of x, the keepdim shape of a
// statistic, the shape a weight broadcasts as against x, and its own shape.
struct NormLayout {
  Dims dims;
  Shape stat_view;
  Shape param_view;
  Shape param_shape;
};

// The vjp of y = x_hat w + b, x_hat = (x - mean) rstd, with batch statistics
// over L.dims (M elements per group). With g_hat = g w,
//   dx = rstd (g_hat - mean(g_hat) - x_hat mean(g_hat x_hat))
// which is the usual dx = rstd / M (M g_hat - sum g_hat - x_hat sum(g_hat x_hat)).
// saved = {x, weight, mean, rstd}. Without create_graph the saved statistics
// are used as they are; with it, mean and rstd are recomputed as
// differentiable functions of x, so that second derivatives see how they
// depend on x.
Grads batch_stats_vjp(const VjpContext& c, const NormLayout& L, double eps) {
  const Tensor &g = c.grad, &x = c.saved[0], &w = c.saved[1];
  Tensor mu, rstd;
  if (grad_enabled()) {
    mu = mean(x, L.dims, true);
    const Tensor xc = x - mu;
    rstd = rsqrt(mean(xc * xc, L.dims, true) + eps);
  } else {
    mu = reshape(c.saved[2], L.stat_view);
    rstd = reshape(c.saved[3], L.stat_view);
  }
  const Tensor x_hat = (x - mu) * rstd;
  Tensor gx, gw, gb;
  if (c.needs[0]) {
    const Tensor g_hat = w.defined() ? g * reshape(w, L.param_view) : g;
    gx = rstd * (g_hat - mean(g_hat, L.dims, true) - x_hat * mean(g_hat * x_hat, L.dims, true));
  }
  if (c.needs[1]) gw = reshape(sum_to(g * x_hat, L.param_view), L.param_shape);
  if (c.needs[2]) gb = reshape(sum_to(g, L.param_view), L.param_shape);
  return {gx, gw, gb};
}

// The vjp with fixed statistics (batch norm in eval mode): y is affine in x,
// dx = g w rstd. saved = {x, weight, running mean, rstd}.
Grads fixed_stats_vjp(const VjpContext& c, const NormLayout& L) {
  const Tensor &g = c.grad, &x = c.saved[0], &w = c.saved[1];
  const Tensor mu = reshape(c.saved[2], L.param_view), rstd = reshape(c.saved[3], L.param_view);
  Tensor gx, gw, gb;
  if (c.needs[0]) gx = g * (w.defined() ? reshape(w, L.param_view) * rstd : rstd);
  if (c.needs[1]) gw = reshape(sum_to(g * ((x - mu) * rstd), L.param_view), L.param_shape);
  if (c.needs[2]) gb = reshape(sum_to(g, L.param_view), L.param_shape);
  return {gx, gw, gb};
}
// Batch norm's vjp with batch statistics: without create_graph, on the CPU,
// the two-pass kernel of prim::batch_norm_grad (the same bits).
Grads batch_norm_vjp(const VjpContext& c, const NormLayout& L, double eps) {
  const Tensor& x = c.saved[0];
  if (grad_enabled() || !prim::batch_norm_grad_applies(x)) return batch_stats_vjp(c, L, eps);
  prim::BatchNormGrads r = prim::batch_norm_grad(c.grad, x, c.saved[1], c.saved[2], c.saved[3], c.needs[0],
                                                 c.needs[1], c.needs[2]);
  return {r.grad_input, r.grad_weight, r.grad_bias};
}

// Batch norm's statistics: per channel (dim 1) over the other dims.
NormLayout batch_layout(const Tensor& x) {
  NormLayout L;
  L.dims.push_back(0);
  for (int64_t d = 2; d < x.dim(); ++d) L.dims.push_back(d);
  L.param_view = Shape(x.dim(), 1);
  L.param_view[1] = x.shape()[1];
  L.stat_view = L.param_view;
  L.param_shape = {x.shape()[1]};
  return L;
}
}  // namespace

Tensor batch_norm(const Tensor& x_in, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps) {
  const Tensor x = autocast_f32(x_in);  // statistics in f32
  prim::NormResult r = prim::batch_norm(x, weight, bias, running_mean, running_var, training, momentum, eps);
  const NormLayout L = batch_layout(x);
  const bool batch_stats = training || !running_mean.defined();
  return record("batch_norm", r.out, {x, weight, bias}, {x, weight, r.mean, r.rstd},
                [L, eps, batch_stats](const VjpContext& c) -> Grads {
                  return batch_stats ? batch_norm_vjp(c, L, eps) : fixed_stats_vjp(c, L);
                });
}

std::vector<Tensor> batch_norm_backward(const Tensor& g, const Tensor& x, const Tensor& weight, const Tensor& mean,
                                        const Tensor& rstd, bool batch_stats, double eps,
                                        const std::vector<bool>& needs) {
  const NormLayout L = batch_layout(x);
  const VjpContext c{g, {x, weight, mean, rstd}, needs};
  return batch_stats ? batch_norm_vjp(c, L, eps) : fixed_stats_vjp(c, L);
}

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  prim::NormResult r = prim::layer_norm(x, normalized_shape, weight, bias, eps);
  NormLayout L;
  const int64_t lead = x.dim() - static_cast<int64_t>(normalized_shape.size());
  for (int64_t d = lead; d < x.dim(); ++d) L.dims.push_back(d);
  L.stat_view = r.mean.shape();
  L.param_view = normalized_shape;
  L.param_shape = normalized_shape;
  return record("layer_norm", r.out, {x, weight, bias}, {x, weight, r.mean, r.rstd},
                [L, eps](const VjpContext& c) -> Grads { return batch_stats_vjp(c, L, eps); });
}

}  // namespace nabla
