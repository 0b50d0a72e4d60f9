#include "models/flow/flow.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

#include "autograd/nabla.h"

namespace nabla::flow {

namespace {

Tensor sum_but_batch(const Tensor& x) { return sum(flatten(x, 1), {1}); }

Shape with_batch(int64_t n, const Shape& shape) {
  Shape s{n};
  s.insert(s.end(), shape.begin(), shape.end());
  return s;
}

int64_t numel_of(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

void check_image(const Tensor& x, const char* what) {
  if (x.dim() != 4) throw std::invalid_argument(std::string(what) + ": expected [N, C, H, W], got " + describe(x));
}

}  // namespace

Tensor zero_logdet(const Tensor& x) { return zeros({x.size(0)}, Options(x.dtype(), x.device())); }

FlowOut Squeeze::transform(const Tensor& x) {
  check_image(x, "Squeeze");
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  if (h % 2 || w % 2) throw std::invalid_argument("Squeeze: height and width must be even, got " + describe(x));
  const Tensor p = reshape(x, {n, c, h / 2, 2, w / 2, 2});
  return {reshape(permute(p, {0, 1, 3, 5, 2, 4}), {n, 4 * c, h / 2, w / 2}), zero_logdet(x)};
}

Tensor Squeeze::inverse(const Tensor& z) {
  check_image(z, "Squeeze inverse");
  const int64_t n = z.size(0), c = z.size(1) / 4, h = z.size(2), w = z.size(3);
  const Tensor p = reshape(z, {n, c, 2, 2, h, w});
  return reshape(permute(p, {0, 1, 4, 2, 5, 3}), {n, c, 2 * h, 2 * w});
}

Shape Squeeze::output_shape(const Shape& in) const {
  if (in.size() != 3 || in[1] % 2 || in[2] % 2)
    throw std::invalid_argument("Squeeze: expected [C, H, W] with even H and W");
  return {in[0] * 4, in[1] / 2, in[2] / 2};
}

FlowOut FlowReshape::transform(const Tensor& x) { return {reshape(x, with_batch(x.size(0), out_)), zero_logdet(x)}; }
Tensor FlowReshape::inverse(const Tensor& z) { return reshape(z, with_batch(z.size(0), in_)); }
Shape FlowReshape::output_shape(const Shape& in) const {
  if (numel_of(in) != numel_of(out_)) throw std::invalid_argument("FlowReshape: sizes differ");
  return out_;
}

// d/dy logit(a + (1-2a) y) = (1-2a) / (p (1-p)), p = a + (1-2a) y.
FlowOut LogitTransform::transform(const Tensor& x) {
  const Tensor p = alpha_ + (1 - 2 * alpha_) * x;
  const Tensor z = log(p) - log(1.0 - p);
  const Tensor logdet = std::log(1 - 2 * alpha_) - log(p) - log(1.0 - p);
  return {z, sum_but_batch(logdet)};
}

Tensor LogitTransform::inverse(const Tensor& z) { return (sigmoid(z) - alpha_) / (1 - 2 * alpha_); }

ActNorm::ActNorm(int64_t channels) {
  register_parameter("bias", zeros({1, channels, 1, 1}));
  register_parameter("log_scale", zeros({1, channels, 1, 1}));
  register_buffer("initialised", zeros({}));
}

FlowOut ActNorm::transform(const Tensor& x) {
  check_image(x, "ActNorm");
  const Tensor& b = get("bias");
  const Tensor& log_s = get("log_scale");
  if (is_training() && get("initialised").item() == 0) {
    NoGradGuard no_grad;
    const Tensor mu = mean(x, {0, 2, 3}, true);
    const Tensor sd = sqrt(mean(square(x - mu), {0, 2, 3}, true));
    copy_(b, -mu);
    copy_(log_s, -log(sd + 1e-6));
    fill_(get("initialised"), 1);
  }
  const double hw = static_cast<double>(x.size(2) * x.size(3));
  const Tensor logdet = expand(reshape(hw * sum(log_s), {1}), {x.size(0)});
  return {(x + b) * exp(log_s), logdet};
}

Tensor ActNorm::inverse(const Tensor& z) { return z * exp(-get("log_scale")) - get("bias"); }

Prior parse_prior(const std::string& name) {
  if (name == "gaussian") return Prior::gaussian;
  if (name == "logistic") return Prior::logistic;
  throw std::invalid_argument("flow: prior must be gaussian or logistic, got \"" + name + "\"");
}

// Standard logistic: log p(z) = -softplus(z) - softplus(-z) (Dinh et al. 2015, sec. 3.4).
Tensor prior_log_prob(Prior prior, const Tensor& z) {
  if (prior == Prior::logistic) return -sum_but_batch(softplus(z) + softplus(-z));
  const double log_2pi = std::log(2 * std::numbers::pi);
  return sum_but_batch(-0.5 * square(z) - 0.5 * log_2pi);
}

Tensor prior_sample(Prior prior, const Shape& shape, double temperature, Generator& gen) {
  if (prior == Prior::gaussian) return temperature * randn(shape, {}, &gen);
  // Inverse CDF of the logistic: log u - log(1 - u), u kept off 0 and 1.
  const Tensor u = uniform(shape, 1e-6, 1 - 1e-6, {}, &gen);
  return temperature * (log(u) - log(1.0 - u));
}

FlowNet::FlowNet(Shape input_shape, Prior prior) : input_shape_(input_shape), shape_(std::move(input_shape)), prior_(prior) {}

void FlowNet::add(FlowLayerPtr layer) {
  shape_ = layer->output_shape(shape_);
  register_module(std::to_string(steps_.size()), layer);
  steps_.push_back({std::move(layer), {}});
}

void FlowNet::factor_out() {
  if (shape_.size() != 3 || shape_[0] % 2) throw std::invalid_argument("FlowNet: factor_out needs an even channel count");
  Shape out = shape_;
  out[0] /= 2;
  shape_[0] -= out[0];
  steps_.push_back({nullptr, out});
}

int64_t FlowNet::dims() const { return numel_of(input_shape_); }

FlowOut FlowNet::encode(const Tensor& x) {
  Tensor h = x, logdet = zero_logdet(x);
  std::vector<Tensor> parts;
  for (const Step& s : steps_) {
    if (s.layer) {
      FlowOut o = s.layer->transform(h);
      h = o.z;
      logdet = logdet + o.logdet;
    } else {
      const int64_t c = s.out_shape[0];
      parts.push_back(flatten(slice(h, 1, 0, c), 1));
      h = slice(h, 1, c, h.size(1));
    }
  }
  parts.push_back(flatten(h, 1));
  return {parts.size() == 1 ? parts[0] : cat(parts, 1), logdet};
}

Tensor FlowNet::decode(const Tensor& z) {
  const int64_t n = z.size(0);
  int64_t end = z.size(1) - numel_of(shape_);
  Tensor h = reshape(slice(z, 1, end, z.size(1)), with_batch(n, shape_));
  for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
    if (it->layer) {
      h = it->layer->inverse(h);
    } else {
      const int64_t size = numel_of(it->out_shape);
      h = cat({reshape(slice(z, 1, end - size, end), with_batch(n, it->out_shape)), h}, 1);
      end -= size;
    }
  }
  return h;
}

Tensor FlowNet::log_prob(const Tensor& x) {
  const FlowOut o = encode(x);
  return prior_log_prob(prior_, o.z) + o.logdet;
}

Tensor FlowNet::sample(int64_t n, double temperature, Generator& gen) {
  NoGradGuard no_grad;
  const bool was_training = is_training();
  eval();
  const Tensor z = prior_sample(prior_, {n, dims()}, temperature, gen);
  Tensor x = decode(z);
  train(was_training);
  return x;
}

}  // namespace nabla::flow
