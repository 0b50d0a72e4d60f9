#pragma once
// Normalizing flows: invertible layers that report log|det dz/dx|, composed
// into a FlowNet with multi-scale factoring out (Dinh et al. 2017, sec. 3.6)
// and a factorised prior. Layers work on images [N, C, H, W] or vectors
// [N, D]; every log-determinant is per example, shape [N].
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/tensor.h"
#include "models/nn/module.h"

namespace nabla::flow {

struct FlowOut {
  Tensor z;
  Tensor logdet;  // [N]: log |det dz/dx| of each example
};

class FlowLayer : public nn::Module {
 public:
  virtual FlowOut transform(const Tensor& x) = 0;
  virtual Tensor inverse(const Tensor& z) = 0;
  // The shape (without the batch dim) of z for an input of shape `in`.
  virtual Shape output_shape(const Shape& in) const { return in; }
  Tensor forward(const Tensor& x) override { return transform(x).z; }
};
using FlowLayerPtr = std::shared_ptr<FlowLayer>;

// A zero log-determinant [N] of x's batch, dtype and device.
Tensor zero_logdet(const Tensor& x);

// [N, C, H, W] -> [N, 4C, H/2, W/2]: each 2x2 patch goes to channels
// (Dinh et al. 2017, fig. 3); a permutation, log-determinant 0.
class Squeeze : public FlowLayer {
 public:
  FlowOut transform(const Tensor& x) override;
  Tensor inverse(const Tensor& z) override;
  Shape output_shape(const Shape& in) const override;
  std::string type_name() const override { return "Squeeze"; }
};

// Reshape to `shape` (without the batch dim) and back: log-determinant 0.
class FlowReshape : public FlowLayer {
 public:
  FlowReshape(Shape in, Shape out) : in_(std::move(in)), out_(std::move(out)) {}
  FlowOut transform(const Tensor& x) override;
  Tensor inverse(const Tensor& z) override;
  Shape output_shape(const Shape& in) const override;
  std::string type_name() const override { return "FlowReshape"; }

 private:
  Shape in_, out_;
};

// y in [0, 1] -> logit(a + (1 - 2a) y) (Dinh et al. 2017, sec. 4.1, with the
// symmetric squash of later implementations), so that the flow models an
// unbounded variable; its log-determinant is counted in the likelihood.
class LogitTransform : public FlowLayer {
 public:
  explicit LogitTransform(double alpha = 0.05) : alpha_(alpha) {}
  FlowOut transform(const Tensor& x) override;
  Tensor inverse(const Tensor& z) override;
  std::string type_name() const override { return "LogitTransform"; }

 private:
  double alpha_;
};

// ActNorm (Kingma & Dhariwal 2018, sec. 3.1): z = (x + b) * exp(log_s) per
// channel, b and log_s set on the first training batch so that z has zero
// mean and unit variance per channel (data-dependent init); log-det
// H W sum(log_s). The buffer `initialised` keeps the init in checkpoints.
class ActNorm : public FlowLayer {
 public:
  explicit ActNorm(int64_t channels);
  FlowOut transform(const Tensor& x) override;
  Tensor inverse(const Tensor& z) override;
  std::string type_name() const override { return "ActNorm"; }
};

enum class Prior { gaussian, logistic };
Prior parse_prior(const std::string& name);
// log p(z) summed over all but the batch dim: [N].
Tensor prior_log_prob(Prior prior, const Tensor& z);
// Samples of the prior scaled by temperature (T z: the standard deviation of
// the Gaussian, the scale of the logistic).
Tensor prior_sample(Prior prior, const Shape& shape, double temperature, Generator& gen);

// A chain of flow layers with multi-scale factoring out: at factor_out() half
// of the channels (the first half) leave the chain and are modelled by the
// prior directly. encode() returns every factored-out part and the final
// output flattened and concatenated, [N, D].
class FlowNet : public nn::Module {
 public:
  FlowNet(Shape input_shape, Prior prior);
  void add(FlowLayerPtr layer);
  void factor_out();
  FlowOut encode(const Tensor& x);
  Tensor decode(const Tensor& z);
  // log p(x) in nats, [N].
  Tensor log_prob(const Tensor& x);
  // n samples at the temperature, in eval mode, without gradients.
  Tensor sample(int64_t n, double temperature, Generator& gen);
  Tensor forward(const Tensor& x) override { return log_prob(x); }
  std::string type_name() const override { return "FlowNet"; }

  const Shape& input_shape() const { return input_shape_; }
  const Shape& current_shape() const { return shape_; }
  int64_t dims() const;
  Prior prior() const { return prior_; }

 private:
  struct Step {
    FlowLayerPtr layer;  // null: a factor-out
    Shape out_shape;     // of what leaves at a factor-out
  };
  Shape input_shape_, shape_;
  Prior prior_;
  std::vector<Step> steps_;
};

}  // namespace nabla::flow
