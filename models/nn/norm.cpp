#include "models/nn/norm.h"

#include <stdexcept>

#include "autograd/nabla.h"

namespace nabla::nn {

BatchNorm::BatchNorm(int64_t n, BatchNormOptions o, Options options, int min_dim, int max_dim)
    : num_features(n), opts(o), min_dim_(min_dim), max_dim_(max_dim) {
  if (n <= 0) throw std::invalid_argument("BatchNorm: num_features must be positive, got " + std::to_string(n));
  options.requires_grad = false;
  if (o.affine) {
    register_parameter("weight", ones({n}, options));
    register_parameter("bias", zeros({n}, options));
  }
  if (o.track_running_stats) {
    register_buffer("running_mean", zeros({n}, options));
    register_buffer("running_var", ones({n}, options));
    register_buffer("num_batches_tracked", zeros({}, Options(DType::i64, options.device)));
  }
}

Tensor BatchNorm::forward(const Tensor& x) {
  if (x.dim() < min_dim_ || x.dim() > max_dim_ || x.size(1) != num_features)
    throw std::invalid_argument(type_name() + ": expected input of " + std::to_string(min_dim_) +
                                (min_dim_ == max_dim_ ? "" : " or " + std::to_string(max_dim_)) + " dims with " +
                                std::to_string(num_features) + " channels in dim 1, got " + describe(x));
  const Tensor running_mean = find("running_mean"), running_var = find("running_var");
  if (is_training() && running_mean.defined()) {
    NoGradGuard no_grad;
    add_(get("num_batches_tracked"), ones({}, Options(DType::i64, x.device())));
  }
  const bool batch_stats = is_training() || !running_mean.defined();
  if (activation.kind != Act::identity)
    return batch_norm_act(x, find("weight"), find("bias"), running_mean, running_var, batch_stats, opts.momentum,
                          opts.eps, activation);
  return batch_norm(x, find("weight"), find("bias"), running_mean, running_var, batch_stats, opts.momentum, opts.eps);
}

LayerNorm::LayerNorm(Shape shape, double e, bool affine, Options options) : normalized_shape(shape), eps(e) {
  options.requires_grad = false;
  if (affine) {
    register_parameter("weight", ones(shape, options));
    register_parameter("bias", zeros(shape, options));
  }
}

Tensor LayerNorm::forward(const Tensor& x) {
  return layer_norm(x, normalized_shape, find("weight"), find("bias"), eps);
}

}  // namespace nabla::nn
