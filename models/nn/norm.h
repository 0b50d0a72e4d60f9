#pragma once
// Normalisation layers over nabla::batch_norm and nabla::layer_norm.
#include <cstdint>

#include "core/factory.h"
#include "core/fused_act.h"
#include "models/nn/module.h"

namespace nabla::nn {

struct BatchNormOptions {
  double eps = 1e-5;
  double momentum = 0.1;
  bool affine = true;               // parameters weight (ones) and bias (zeros)
  bool track_running_stats = true;  // buffers running_mean, running_var, num_batches_tracked
};

// Batch normalisation (Ioffe & Szegedy 2015). Training mode: batch
// statistics, and the running ones updated with momentum (num_batches_tracked
// counts the updates); eval mode: the running statistics. Without running
// statistics both modes use the batch's.
class BatchNorm : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  int64_t num_features;
  BatchNormOptions opts;
  // An activation applied to the output by the fused batch_norm_act
  // (autograd/fused_act.h); identity: plain batch norm.
  Activation activation;

 protected:
  BatchNorm(int64_t num_features, BatchNormOptions opts, Options options, int min_dim, int max_dim);

 private:
  int min_dim_, max_dim_;
};

// Input [N, C] or [N, C, L].
class BatchNorm1d : public BatchNorm {
 public:
  explicit BatchNorm1d(int64_t num_features, BatchNormOptions opts = {}, Options options = {})
      : BatchNorm(num_features, opts, options, 2, 3) {}
  std::string type_name() const override { return "BatchNorm1d"; }
};

// Input [N, C, H, W].
class BatchNorm2d : public BatchNorm {
 public:
  explicit BatchNorm2d(int64_t num_features, BatchNormOptions opts = {}, Options options = {})
      : BatchNorm(num_features, opts, options, 4, 4) {}
  std::string type_name() const override { return "BatchNorm2d"; }
};

// Layer normalisation (Ba et al. 2016) over the trailing normalized_shape
// dims; elementwise_affine gives weight (ones) and bias (zeros) of that shape.
class LayerNorm : public Module {
 public:
  explicit LayerNorm(Shape normalized_shape, double eps = 1e-5, bool elementwise_affine = true,
                     Options options = {});
  Tensor forward(const Tensor& x) override;
  std::string type_name() const override { return "LayerNorm"; }
  Shape normalized_shape;
  double eps;
};

}  // namespace nabla::nn
